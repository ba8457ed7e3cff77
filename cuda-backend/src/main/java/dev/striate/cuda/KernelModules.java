package dev.striate.cuda;

import static dev.striate.cuda.device.CudaException.check;

import dev.striate.core.tensor.DType;
import dev.striate.cuda.device.CudaDevice;
import dev.striate.cuda.natives.CudaLibraryLoader;
import dev.striate.cuda.natives.LibraryDiscovery;
import dev.striate.cuda.nvrtc.KernelCache;
import dev.striate.cuda.nvrtc.KernelText;
import dev.striate.cuda.nvrtc.Nvrtc;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The project's CUDA C sources ({@code /dev/striate/cuda/kernels/<name>.cu} in the jar), compiled by NVRTC on first
 * use for this GPU, cached on disk ({@link KernelCache}), loaded with {@code cuModuleLoadData}; one module per source
 * and variant (activation storage type and layout). Every source is compiled after the preludes ({@link KernelText}):
 * {@code storage.cuh}, which defines {@code act_t} as float, or as bf16 for the {@link DType#BF16} variant,
 * {@code layout.cuh} (where a rank-4 activation's elements lie: {@link ActivationLayout}) and the others.
 */
final class KernelModules {
    private final CudaDevice device;
    private final LibraryDiscovery.Found nvrtcLibrary;
    private final KernelCache cache;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<FunctionKey, CUfunction> functions = new HashMap<>();
    private Nvrtc nvrtc;

    /**
     * A kernel of one variant: looked up at every launch, so a record of the parts rather than a string built from
     * them.
     */
    private record FunctionKey(String source, String kernelName, DType storage, ActivationLayout layout) {
    }

    KernelModules(CudaDevice device, LibraryDiscovery.Found nvrtcLibrary, Path cacheFolder) {
        this.device = device;
        this.nvrtcLibrary = nvrtcLibrary;
        this.cache = new KernelCache(cacheFolder.resolve("kernels"));
    }

    synchronized CUfunction function(String source, String kernelName, DType storage, ActivationLayout layout) {
        FunctionKey key = new FunctionKey(source, kernelName, storage, layout);
        CUfunction function = functions.get(key);
        if (function == null) {
            String variant = KernelText.variantName(source, storage, layout);
            function = new CUfunction();
            check(JCudaDriver.cuModuleGetFunction(function, module(source, storage, layout, variant), kernelName),
                    "cuModuleGetFunction(" + kernelName + " in " + variant + ".cu)");
            functions.put(key, function);
        }
        return function;
    }

    private CUmodule module(String source, DType storage, ActivationLayout layout, String variant) {
        CUmodule module = modules.get(variant);
        if (module == null) {
            if (nvrtc == null) {
                nvrtc = new Nvrtc(CudaLibraryLoader.openNvrtc(nvrtcLibrary));
            }
            String text = KernelText.of(source, storage, layout);
            Nvrtc.Target target = nvrtc.target(device.computeMajor(), device.computeMinor());
            byte[] image = cache.load(variant, text, target, nvrtc.version(),
                    () -> nvrtc.compile(source + ".cu", text, target));
            module = new CUmodule();
            check(JCudaDriver.cuModuleLoadData(module, image), "cuModuleLoadData(" + variant + ".cu, "
                    + target.architecture() + ")");
            modules.put(variant, module);
        }
        return module;
    }

    synchronized void close() {
        for (CUmodule module : modules.values()) {
            check(JCudaDriver.cuModuleUnload(module), "cuModuleUnload");
        }
        modules.clear();
        functions.clear();
    }
}
