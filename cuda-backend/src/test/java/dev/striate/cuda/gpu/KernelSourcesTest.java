package dev.striate.cuda.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.cuda.CudaBackend;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KernelSources} reads a folder of kernel sources from a directory and from inside a jar (no GPU needed). */
class KernelSourcesTest {
    @TempDir
    Path folder;

    private static final Map<String, String> FILES = Map.of(
            "k/a.cu", "extern \"C\" __global__ void a() {}",
            "k/b.cu", "extern \"C\" __global__ void b() {}",
            "k/notes.txt", "not a kernel",
            "k/sub/c.cu", "in a subfolder: not part of k",
            "other/d.cu", "another folder");

    @Test
    void readsTheCuFilesOfAFolderOnDisk() throws IOException, URISyntaxException {
        for (Map.Entry<String, String> file : FILES.entrySet()) {
            Path path = folder.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        assertEquals(Map.of("a", FILES.get("k/a.cu"), "b", FILES.get("k/b.cu")),
                KernelSources.in(folder.resolve("k").toUri().toURL()));
    }

    @Test
    void readsTheCuFilesOfAFolderInsideAJar() throws IOException, URISyntaxException {
        Path jar = folder.resolve("kernels.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, String> file : FILES.entrySet()) {
                out.putNextEntry(new JarEntry(file.getKey()));
                out.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        URL inside = URI.create("jar:" + jar.toUri() + "!/k").toURL();
        assertEquals(Map.of("a", FILES.get("k/a.cu"), "b", FILES.get("k/b.cu")), KernelSources.in(inside));
    }

    @Test
    void theBackendsKernelFolderHasSources() throws IOException, URISyntaxException {
        Map<String, String> sources = KernelSources.in(CudaBackend.class.getResource("/dev/striate/cuda/kernels"));
        assertTrue(sources.containsKey("elementwise"), sources.keySet().toString());
    }
}
