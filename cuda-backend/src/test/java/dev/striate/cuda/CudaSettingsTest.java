package dev.striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.tensor.DType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CUDA backend's environment settings read together, and STRIATE_CUDA_DEPTHWISE's values and meaning. */
class CudaSettingsTest {
    @Test
    void depthwiseIsAutoUnlessTheSettingNamesOneKind() {
        assertEquals(DepthwiseKernels.AUTO, DepthwiseKernels.of(null));
        assertEquals(DepthwiseKernels.AUTO, DepthwiseKernels.of(" "));
        assertEquals(DepthwiseKernels.AUTO, DepthwiseKernels.of("Auto"));
        assertEquals(DepthwiseKernels.CUDNN, DepthwiseKernels.of(" cuDNN"));
        assertEquals(DepthwiseKernels.STRIATE, DepthwiseKernels.of("striate "));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> DepthwiseKernels.of("own"));
        assertEquals("STRIATE_CUDA_DEPTHWISE=own is not a depthwise setting: use auto, cudnn or striate, or unset it",
                bad.getMessage());
    }

    @Test
    void autoRunsTheProjectsKernelsOnFloatActivationsOnly() {
        assertTrue(DepthwiseKernels.AUTO.runsOwnKernels(DType.F32));
        assertFalse(DepthwiseKernels.AUTO.runsOwnKernels(DType.BF16));
        for (DType storage : new DType[] {DType.F32, DType.BF16}) {
            assertFalse(DepthwiseKernels.CUDNN.runsOwnKernels(storage));
            assertTrue(DepthwiseKernels.STRIATE.runsOwnKernels(storage));
        }
    }

    @Test
    void theEnvironmentIsReadForEverySettingAndOnlyChangesAreDescribed() {
        CudaSettings unset = CudaSettings.of(Precision.BF16, Map.<String, String>of()::get);
        assertEquals(new CudaSettings(ActivationLayout.NHWC, NodeFusion.ON, DepthwiseKernels.AUTO), unset);
        assertEquals("", unset.described());
        CudaSettings all = CudaSettings.of(Precision.BF16, Map.of("STRIATE_CUDA_LAYOUT", "nchw",
                "STRIATE_CUDA_FUSION", "off", "STRIATE_CUDA_DEPTHWISE", "striate")::get);
        assertEquals(new CudaSettings(ActivationLayout.NCHW, NodeFusion.OFF, DepthwiseKernels.STRIATE), all);
        assertEquals(", fusion off, depthwise on Striate's kernels", all.described());
        assertEquals(", depthwise on cuDNN", CudaSettings.of(Precision.FP32,
                Map.of("STRIATE_CUDA_DEPTHWISE", "cudnn")::get).described());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> CudaSettings.of(
                Precision.FP32, Map.of("STRIATE_CUDA_DEPTHWISE", "fast")::get));
        assertTrue(bad.getMessage().startsWith("STRIATE_CUDA_DEPTHWISE=fast"), bad.getMessage());
    }
}
