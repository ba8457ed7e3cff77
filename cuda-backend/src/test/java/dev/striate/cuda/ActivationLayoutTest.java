package dev.striate.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.tensor.Shape;
import org.junit.jupiter.api.Test;

class ActivationLayoutTest {
    @Test
    void channelsLastPutsEachCellsChannelsSideBySide() {
        // [N=2, C=2, H=1, W=3]: item 0 channel 0 is 1 2 3, channel 1 is 4 5 6; item 1 adds 10.
        Shape shape = Shape.of(2, 2, 1, 3);
        double[] logical = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16};
        double[] memory = {1, 4, 2, 5, 3, 6, 11, 14, 12, 15, 13, 16};
        assertArrayEquals(memory, ActivationLayout.NHWC.toMemoryOrder(shape, logical));
        assertArrayEquals(logical, ActivationLayout.NHWC.toLogicalOrder(shape, memory));
    }

    @Test
    void onlyRankFourChannelsLastTensorsAreReordered() {
        double[] values = {1, 2, 3, 4, 5, 6};
        assertSame(values, ActivationLayout.NHWC.toMemoryOrder(Shape.of(2, 3), values));
        assertSame(values, ActivationLayout.NCHW.toMemoryOrder(Shape.of(1, 2, 1, 3), values));
        assertTrue(ActivationLayout.NHWC.reorders(Shape.of(1, 2, 1, 3)));
        assertFalse(ActivationLayout.NHWC.reorders(Shape.of(6)));
    }

    @Test
    void theSettingChoosesTheLayoutOfBf16Work() {
        assertEquals(ActivationLayout.NCHW, ActivationLayout.forWork(Precision.FP32, null));
        assertEquals(ActivationLayout.NCHW, ActivationLayout.forWork(Precision.TF32, " "));
        assertEquals(ActivationLayout.NHWC, ActivationLayout.forWork(Precision.BF16, null), "bf16's default");
        assertEquals(ActivationLayout.NHWC, ActivationLayout.forWork(Precision.BF16, "NHWC"));
        assertEquals(ActivationLayout.NCHW, ActivationLayout.forWork(Precision.BF16, "nchw"));
        assertEquals(ActivationLayout.NCHW, ActivationLayout.forWork(Precision.FP32, "nchw"));
    }

    @Test
    void aWrongSettingIsRefusedByName() {
        IllegalArgumentException notALayout = assertThrows(IllegalArgumentException.class,
                () -> ActivationLayout.forWork(Precision.BF16, "chw"));
        assertEquals("STRIATE_CUDA_LAYOUT=chw is not a layout: use nchw or nhwc, or unset it",
                notALayout.getMessage());
        IllegalArgumentException notBf16 = assertThrows(IllegalArgumentException.class,
                () -> ActivationLayout.forWork(Precision.TF32, "nhwc"));
        assertEquals("STRIATE_CUDA_LAYOUT=nhwc applies to bf16 work only: use --precision bf16, or unset"
                + " STRIATE_CUDA_LAYOUT for tf32", notBf16.getMessage());
    }
}
