package dev.striate.cuda;

import dev.striate.core.backend.Precision;
import dev.striate.cuda.device.CudaDevice;
import dev.striate.cuda.doctor.CudaDiagnosis;
import dev.striate.cuda.natives.CacheFolder;
import dev.striate.cuda.natives.LibraryDiscovery;

/**
 * Opens a CUDA backend on cuda:0 with its bf16 activations in a layout the test chooses (or with any
 * {@link CudaSettings}), whatever {@value ActivationLayout#SETTING} says, so that one process can hold an NCHW and an NHWC backend side by side
 * (the provider reads the layout from the environment, which a test cannot set for itself).
 */
public final class LayoutBackends {
    private LayoutBackends() {
    }

    public static CudaBackend open(Precision precision, ActivationLayout layout) {
        return open(precision, new CudaSettings(layout, NodeFusion.ON, DepthwiseKernels.AUTO));
    }

    /** A backend with these settings, whatever the environment says. */
    public static CudaBackend open(Precision precision, CudaSettings settings) {
        CudaDiagnosis libraries = CudaDiagnosis.run(LibraryDiscovery.ofThisMachine(), false);
        return new CudaBackend(precision, settings, CudaDevice.open(0), libraries, CacheFolder.ofThisUser());
    }
}
