package dev.striate.cuda;

import static dev.striate.cuda.device.CudaException.check;

import dev.striate.cuda.device.CudaDevice;
import dev.striate.cuda.natives.CudaLibraryLoader;
import dev.striate.cuda.natives.LibraryDiscovery;
import dev.striate.cuda.nvrtc.KernelCache;
import dev.striate.cuda.nvrtc.Nvrtc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The project's CUDA C sources ({@code /dev/striate/cuda/kernels/<name>.cu} in the jar), compiled by NVRTC on first
 * use for this GPU, cached on disk ({@link KernelCache}), loaded with {@code cuModuleLoadData}; one module per source.
 */
final class KernelModules {
    private final CudaDevice device;
    private final LibraryDiscovery.Found nvrtcLibrary;
    private final KernelCache cache;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private Nvrtc nvrtc;

    KernelModules(CudaDevice device, LibraryDiscovery.Found nvrtcLibrary, Path cacheFolder) {
        this.device = device;
        this.nvrtcLibrary = nvrtcLibrary;
        this.cache = new KernelCache(cacheFolder.resolve("kernels"));
    }

    synchronized CUfunction function(String source, String kernelName) {
        String key = source + "/" + kernelName;
        CUfunction function = functions.get(key);
        if (function == null) {
            function = new CUfunction();
            check(JCudaDriver.cuModuleGetFunction(function, module(source), kernelName),
                    "cuModuleGetFunction(" + kernelName + " in " + source + ".cu)");
            functions.put(key, function);
        }
        return function;
    }

    private CUmodule module(String source) {
        CUmodule module = modules.get(source);
        if (module == null) {
            if (nvrtc == null) {
                nvrtc = new Nvrtc(CudaLibraryLoader.openNvrtc(nvrtcLibrary));
            }
            String text = read(source);
            Nvrtc.Target target = nvrtc.target(device.computeMajor(), device.computeMinor());
            byte[] image = cache.load(source, text, target, nvrtc.version(),
                    () -> nvrtc.compile(source + ".cu", text, target));
            module = new CUmodule();
            check(JCudaDriver.cuModuleLoadData(module, image), "cuModuleLoadData(" + source + ".cu, "
                    + target.architecture() + ")");
            modules.put(source, module);
        }
        return module;
    }

    private static String read(String source) {
        String resource = "/dev/striate/cuda/kernels/" + source + ".cu";
        try (InputStream in = KernelModules.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no CUDA source " + resource + " in this build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    synchronized void close() {
        for (CUmodule module : modules.values()) {
            check(JCudaDriver.cuModuleUnload(module), "cuModuleUnload");
        }
        modules.clear();
        functions.clear();
    }
}
