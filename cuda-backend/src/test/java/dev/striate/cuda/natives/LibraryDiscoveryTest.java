package dev.striate.cuda.natives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Library discovery on fake folder trees standing for a machine's file system. */
class LibraryDiscoveryTest {
    @TempDir
    Path root;

    private Path file(String absolute) throws IOException {
        Path path = root.resolve(absolute.substring(1));
        Files.createDirectories(path.getParent());
        return Files.writeString(path, "not really a library");
    }

    @Test
    void findsCudnnOnlyInPythonSitePackagesAndCublasInTheToolkit() throws IOException {
        Path cublas = file("/usr/local/cuda/targets/x86_64-linux/lib/libcublas.so.13");
        Path cudnn = file("/opt/torch/.venv/lib/python3.12/site-packages/nvidia/cudnn/lib/libcudnn.so.9");
        LibraryDiscovery discovery = new LibraryDiscovery(Map.of(), root, "");

        LibraryDiscovery.Found foundCublas = discovery.find("libcublas.so", List.of(13, 12)).orElseThrow();
        assertEquals(cublas, foundCublas.path());
        assertEquals(13, foundCublas.major());
        assertEquals("/usr/local/cuda", foundCublas.source());
        LibraryDiscovery.Found foundCudnn = discovery.find("libcudnn.so", List.of(9)).orElseThrow();
        assertEquals(cudnn, foundCudnn.path());
        assertEquals("Python site-packages", foundCudnn.source());
        assertTrue(discovery.find("libnvrtc.so", List.of(13, 12)).isEmpty());
    }

    @Test
    void thePreferredMajorWinsOverSearchOrderAndTheOrderDecidesWithinAMajor() throws IOException {
        file("/work/libs/libcublas.so.12");
        file("/usr/local/cuda-13.0/lib64/libcublas.so.13");
        file("/usr/local/cuda-13.1/lib64/libcublas.so.13");
        Path cudaHome = file("/toolkits/cuda13/lib64/libcublas.so.13");
        LibraryDiscovery discovery = new LibraryDiscovery(
                Map.of("LD_LIBRARY_PATH", "/work/libs:relative/ignored", "CUDA_HOME", "/toolkits/cuda13"), root, "");
        assertEquals(12, discovery.find("libcublas.so", List.of(12)).orElseThrow().major());
        LibraryDiscovery.Found preferred = discovery.find("libcublas.so", List.of(13, 12)).orElseThrow();
        assertEquals(cudaHome, preferred.path());
        assertEquals("CUDA_HOME", preferred.source());

        LibraryDiscovery noHome = new LibraryDiscovery(Map.of("LD_LIBRARY_PATH", "/work/libs"), root, "");
        // Without CUDA_HOME the newest /usr/local/cuda-* comes first.
        assertEquals(root.resolve("usr/local/cuda-13.1/lib64/libcublas.so.13"),
                noHome.find("libcublas.so", List.of(13, 12)).orElseThrow().path());
    }

    @Test
    void readsTheLoaderCacheAndVirtualEnvironments() throws IOException {
        Path nvrtc = file("/opt/cuda-libs/libnvrtc.so.13");
        Path cu13 = file("/home/ada/venv/lib/python3.11/site-packages/nvidia/cu13/lib/libcublas.so.13");
        String ldconfig = """
                1234 libs found in cache `/etc/ld.so.cache'
                \tlibnvrtc.so.13 (libc6,x86-64) => /opt/cuda-libs/libnvrtc.so.13
                \tlibfoo.so.1 (libc6) => /opt/i386/libfoo.so.1
                """;
        LibraryDiscovery discovery = new LibraryDiscovery(Map.of("VIRTUAL_ENV", "/home/ada/venv"), root, ldconfig);

        LibraryDiscovery.Found foundNvrtc = discovery.find("libnvrtc.so", List.of(13)).orElseThrow();
        assertEquals(nvrtc, foundNvrtc.path());
        assertEquals("loader cache", foundNvrtc.source());
        assertEquals(cu13, discovery.find("libcublas.so", List.of(13)).orElseThrow().path());
        assertTrue(discovery.folders().stream().noneMatch(f -> f.folder().endsWith("i386")));
    }

    @Test
    void findsUserSitePackagesAndCompanionLibraries() throws IOException {
        Path cudnn = file("/home/ada/.local/lib/python3.12/site-packages/nvidia/cudnn/lib/libcudnn.so.9");
        Path ops = file("/home/ada/.local/lib/python3.12/site-packages/nvidia/cudnn/lib/libcudnn_ops.so.9");
        Path cnn = file("/home/ada/.local/lib/python3.12/site-packages/nvidia/cudnn/lib/libcudnn_cnn.so.9");
        LibraryDiscovery discovery = new LibraryDiscovery(Map.of("HOME", "/home/ada"), root, "");

        LibraryDiscovery.Found found = discovery.find("libcudnn.so", List.of(9)).orElseThrow();
        assertEquals(cudnn, found.path());
        assertEquals(List.of(cnn, ops), LibraryDiscovery.companions(found.folder(), "libcudnn_"));
    }

    /**
     * The GPU host's layout (shared/gpu/README.md): CUDA 13 in /usr/local/cuda, PyTorch's venv in /opt/torch with
     * cuBLAS/NVRTC 13 and cuDNN 9.19, and a system cuDNN 9.14. gpu-check.sh runs doctor with run.sh's
     * LD_LIBRARY_PATH and without it; these are the files each run loads.
     */
    @Test
    void theGpuHostsLayoutWithAndWithoutTheLoaderPath() throws IOException {
        String toolkit = "/usr/local/cuda/targets/x86_64-linux/lib";
        String venv = "/opt/torch/.venv/lib/python3.12/site-packages/nvidia";
        Path toolkitCublas = file(toolkit + "/libcublas.so.13");
        Path toolkitNvrtc = file(toolkit + "/libnvrtc.so.13");
        file(venv + "/cu13/lib/libcublas.so.13");
        file(venv + "/cu13/lib/libnvrtc.so.13");
        Path venvCudnn = file(venv + "/cudnn/lib/libcudnn.so.9");
        file(venv + "/nccl/lib/libnccl.so.2");
        Path systemCudnn = file("/usr/lib/x86_64-linux-gnu/libcudnn.so.9");

        String runShPath = String.join(":", toolkit, venv + "/cu13/lib", venv + "/cudnn/lib", venv + "/nccl/lib");
        LibraryDiscovery withPath = new LibraryDiscovery(Map.of("LD_LIBRARY_PATH", runShPath, "HOME", "/root"),
                root, "");
        assertEquals(toolkitCublas, withPath.find("libcublas.so", List.of(13, 12)).orElseThrow().path());
        assertEquals(toolkitNvrtc, withPath.find("libnvrtc.so", List.of(13, 12)).orElseThrow().path());
        assertEquals(venvCudnn, withPath.find("libcudnn.so", List.of(9)).orElseThrow().path());

        // Own discovery, no VIRTUAL_ENV: the venv is found under /opt/*/.venv, after the toolkit.
        LibraryDiscovery own = new LibraryDiscovery(Map.of("HOME", "/root"), root, "");
        assertEquals(toolkitCublas, own.find("libcublas.so", List.of(13, 12)).orElseThrow().path());
        assertEquals(toolkitNvrtc, own.find("libnvrtc.so", List.of(13, 12)).orElseThrow().path());
        LibraryDiscovery.Found cudnn = own.find("libcudnn.so", List.of(9)).orElseThrow();
        assertEquals(venvCudnn, cudnn.path());
        assertEquals("Python site-packages", cudnn.source());

        // Where ldconfig lists the system cuDNN (a package install), the loader cache comes first: cuDNN 9.14.
        String ldconfig = "\tlibcudnn.so.9 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.9\n";
        LibraryDiscovery cached = new LibraryDiscovery(Map.of("HOME", "/root"), root, ldconfig);
        assertEquals(systemCudnn, cached.find("libcudnn.so", List.of(9)).orElseThrow().path());
        assertEquals("loader cache", cached.find("libcudnn.so", List.of(9)).orElseThrow().source());
    }

    @Test
    void anEmptyMachineHasNothing() {
        LibraryDiscovery discovery = new LibraryDiscovery(Map.of(), root, "");
        assertTrue(discovery.folders().isEmpty());
        assertTrue(discovery.find("libcuda.so", List.of(1)).isEmpty());
    }
}
