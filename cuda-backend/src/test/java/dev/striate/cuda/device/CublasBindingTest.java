package dev.striate.cuda.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.cuda.standin.StandIns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soname rewrite and JCuda's loading of it, end to end without a GPU: a stand-in {@code libcublas.so.13} built
 * with gcc (soname {@code libcublas.so.13}, its one function under the version {@code libcublas.so.13}, as CUDA 13's
 * cuBLAS defines them) is opened, the rewritten JCublas2 native is loaded by the real dynamic loader, which checks
 * the version-need entry by name and {@code vna_hash}, and JCuda's own {@code JCublas2.cublasCreate} reaches the
 * stand-in's function. Nothing may be extracted into {@code java.io.tmpdir}: JCuda must have used the rewritten file.
 */
class CublasBindingTest {
    private static final int STAND_IN_STATUS = 7;

    @TempDir
    Path folder;

    @Test
    void jcudaCallsIntoALibcublas13ThroughTheRewrittenNative() throws IOException, InterruptedException {
        assumeTrue(StandIns.gccPresent(), "gcc is not on PATH: the stand-in libcublas.so.13 cannot be built");
        Path library = StandIns.build(folder.resolve("lib"), "libcublas.so.13",
                "int cublasCreate_v2(void **handle) { *handle = (void *) 0x5151; return " + STAND_IN_STATUS + "; }\n",
                "libcublas.so.13");
        Path temporary = Files.createDirectories(folder.resolve("tmp"));
        Path cache = folder.resolve("cache");
        String output = StandIns.java(Map.of(), List.of("-Djava.io.tmpdir=" + temporary), CublasStubProbe.class,
                library.toString(), cache.toString());

        assertTrue(output.contains("cublasCreate status " + STAND_IN_STATUS), output);
        try (var extracted = Files.list(temporary)) {
            assertEquals(List.of(), extracted.toList(), "JCuda extracted its own native instead of the rewritten one");
        }
        try (var natives = Files.walk(cache.resolve("natives"))) {
            assertEquals(1, natives.filter(f -> f.getFileName().toString().equals(CublasLoader.NATIVE)).count());
        }
    }
}
