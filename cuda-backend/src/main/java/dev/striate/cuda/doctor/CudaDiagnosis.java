package dev.striate.cuda.doctor;

import dev.striate.cuda.natives.CudaLibraryLoader;
import dev.striate.cuda.natives.LibraryDiscovery;
import dev.striate.cuda.natives.NativeLibraryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether CUDA training can run here, and if not, exactly what is missing and how to fix it: the driver and its GPUs,
 * then cuBLAS, NVRTC and cuDNN, where each was found and its version. {@code striate doctor} prints it; the CUDA
 * backend's {@code unavailableReason()} is its {@link #problem()}.
 */
public final class CudaDiagnosis {
    /** A library: the file found (null when missing), why that folder was searched, its version, the problem. */
    public record Library(String name, LibraryDiscovery.Found found, String version, String problem) {
    }

    private final DriverReport driver;
    private final List<Library> libraries;
    private final List<LibraryDiscovery.SearchFolder> searched;

    private CudaDiagnosis(DriverReport driver, List<Library> libraries, List<LibraryDiscovery.SearchFolder> searched) {
        this.driver = driver;
        this.libraries = libraries;
        this.searched = searched;
    }

    /**
     * Probes this machine. With {@code loadLibraries} each library found is loaded and asked its version (doctor);
     * without, only the files are looked for (the cheap check of {@code --device auto}).
     */
    public static CudaDiagnosis run(LibraryDiscovery discovery, boolean loadLibraries) {
        DriverReport driver = DriverProbe.probe(discovery);
        List<Library> libraries = new ArrayList<>();
        if (driver.problem() == null) {
            List<Integer> cudaMajors = cudaMajors(driver.version());
            libraries.add(library(discovery, "cuBLAS", "libcublas.so", cudaMajors, loadLibraries,
                    found -> CudaLibraryLoader.cublasVersion(CudaLibraryLoader.openCublas(found)),
                    "pip install nvidia-cublas" + pipSuffix(cudaMajors)));
            libraries.add(library(discovery, "NVRTC", "libnvrtc.so", cudaMajors, loadLibraries,
                    found -> CudaLibraryLoader.nvrtcVersion(CudaLibraryLoader.openNvrtc(found)),
                    "pip install nvidia-cuda-nvrtc" + pipSuffix(cudaMajors)));
            libraries.add(library(discovery, "cuDNN", "libcudnn.so", List.of(9), loadLibraries,
                    found -> CudaLibraryLoader.cudnnVersionText(CudaLibraryLoader.cudnnVersion(
                            CudaLibraryLoader.openCudnn(found))),
                    "pip install nvidia-cudnn-cu" + (cudaMajors.isEmpty() ? 13 : cudaMajors.getFirst())));
        }
        return new CudaDiagnosis(driver, libraries, discovery.folders());
    }

    /**
     * The CUDA majors whose libraries this driver can run, most preferred first: JCuda 12.6.0's natives bind to
     * CUDA 12's libraries, and to CUDA 13's through the soname rewrite; a library newer than the driver cannot run.
     */
    public static List<Integer> cudaMajors(int driverVersion) {
        int driverMajor = driverVersion / 1000;
        if (driverMajor >= 13) {
            return List.of(13, 12);
        }
        return driverMajor == 12 ? List.of(12) : List.of();
    }

    private static String pipSuffix(List<Integer> majors) {
        return !majors.isEmpty() && majors.getFirst() == 12 ? "-cu12" : "";
    }

    private static Library library(LibraryDiscovery discovery, String name, String baseName, List<Integer> majors,
                                   boolean load, Function<LibraryDiscovery.Found, String> version, String install) {
        Optional<LibraryDiscovery.Found> found = discovery.find(baseName, majors);
        if (found.isEmpty()) {
            String files = majors.stream().map(m -> baseName + "." + m).collect(Collectors.joining(" or "));
            return new Library(name, null, null, name + " not found: no " + files + " in LD_LIBRARY_PATH, the loader"
                    + " cache, CUDA_HOME, /usr/local/cuda* or Python site-packages (" + install
                    + ", or install the CUDA toolkit and set CUDA_HOME)");
        }
        if (!load) {
            return new Library(name, found.get(), null, null);
        }
        try {
            return new Library(name, found.get(), version.apply(found.get()), null);
        } catch (NativeLibraryException e) {
            return new Library(name, found.get(), null, name + " was found but does not load: " + e.getMessage());
        }
    }

    public DriverReport driver() {
        return driver;
    }

    public List<Library> libraries() {
        return libraries;
    }

    /** The first problem as one line, or null when CUDA training can run. */
    public String problem() {
        if (driver.problem() != null) {
            return driver.problem();
        }
        return libraries.stream().map(Library::problem).filter(p -> p != null).findFirst().orElse(null);
    }

    /** The library named, which {@link #problem()} being null guarantees was found. */
    public LibraryDiscovery.Found found(String name) {
        return libraries.stream().filter(l -> l.name().equals(name)).findFirst().map(Library::found).orElseThrow();
    }

    /** Doctor's report for people. */
    public String text() {
        if (driver.problem() != null && driver.library() == null) {
            // Nothing else can be checked without a driver: one line says what is missing.
            return "CUDA training cannot run here: " + driver.problem() + "\n";
        }
        StringBuilder out = new StringBuilder();
        out.append("driver:  CUDA ").append(DriverReport.versionText(driver.version())).append(" (")
                .append(driver.library()).append(")\n");
        for (DriverReport.Gpu gpu : driver.gpus()) {
            out.append(String.format(Locale.ROOT, "gpu %d:   %s, compute capability %s, %.1f GiB%n", gpu.index(),
                    gpu.name(), gpu.computeCapability(), gpu.memoryBytes() / (1024.0 * 1024 * 1024)));
        }
        for (Library library : libraries) {
            out.append(String.format(Locale.ROOT, "%-8s ", library.name() + ":"));
            if (library.found() != null) {
                out.append(library.version() == null ? "" : library.version() + " ").append(library.found().path())
                        .append(" (").append(library.found().source()).append(")");
            }
            if (library.problem() != null) {
                out.append(library.found() != null ? "; " : "").append(library.problem());
            }
            out.append('\n');
        }
        String problem = problem();
        out.append(problem == null ? "CUDA training can run here.\n" : "CUDA training cannot run here: " + problem
                + "\n");
        return out.toString();
    }

    /** Doctor's report for programs. */
    public Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("usable", problem() == null);
        out.put("problem", problem());
        Map<String, Object> driverJson = new LinkedHashMap<>();
        driverJson.put("library", driver.library());
        driverJson.put("cudaVersion", driver.version() == 0 ? null : DriverReport.versionText(driver.version()));
        driverJson.put("problem", driver.problem());
        driverJson.put("gpus", driver.gpus().stream().map(gpu -> Map.of("index", gpu.index(), "name", gpu.name(),
                "computeCapability", gpu.computeCapability(), "memoryBytes", gpu.memoryBytes())).toList());
        out.put("driver", driverJson);
        Map<String, Object> librariesJson = new LinkedHashMap<>();
        for (Library library : libraries) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("path", library.found() == null ? null : library.found().path().toString());
            entry.put("source", library.found() == null ? null : library.found().source());
            entry.put("version", library.version());
            entry.put("problem", library.problem());
            librariesJson.put(library.name(), entry);
        }
        out.put("libraries", librariesJson);
        out.put("searched", searched.stream().map(f -> f.folder() + " (" + f.source() + ")").toList());
        return out;
    }
}
