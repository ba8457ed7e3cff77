package dev.striate.cuda.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA backend queues a memset for a tensor from {@code allocate} (a gradient, which executors add into) and none
 * for one from {@code allocateUninitialized} (a node's output, which its forward writes whole): through JCuda's real
 * driver native against the host stand-in {@code libcuda.so.1}, one block handed out three times by the caching
 * allocator reads zeros, then the values the gradient left in it, then zeros again.
 */
class UninitializedAllocationStandInTest {
    @TempDir
    Path folder;

    @Test
    void anActivationGetsNoMemsetAndAGradientDoes() throws IOException, InterruptedException {
        assumeTrue(StandIns.gccPresent(), "gcc is not on PATH: the stand-in libcuda.so.1 cannot be built");
        Path lib = folder.resolve("lib");
        StandIns.build(lib, "libcuda.so.1", StandIns.HOST_DRIVER, null);
        for (String name : List.of("libcublas.so.13", "libnvrtc.so.13", "libcudnn.so.9")) {
            Files.writeString(lib.resolve(name), "");
        }
        Path temporary = Files.createDirectories(folder.resolve("tmp"));
        String output = StandIns.java(Map.of("LD_LIBRARY_PATH", lib.toString(), "XDG_CACHE_HOME",
                folder.resolve("cache").toString()), List.of("-Djava.io.tmpdir=" + temporary),
                UninitializedAllocationProbe.class);
        assertEquals(List.of(
                "gradient [0.0, 0.0, 0.0]",
                "activation [1.5, -2.0, 3.25]",
                "next gradient [0.0, 0.0, 0.0]",
                "blocks from the driver 1"), output.lines().toList());
    }
}
