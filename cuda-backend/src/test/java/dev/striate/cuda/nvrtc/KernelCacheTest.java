package dev.striate.cuda.nvrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.cuda.natives.CacheFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache keying of compiled kernels, with a counting stand-in for NVRTC. */
class KernelCacheTest {
    private static final String SOURCE = "extern \"C\" __global__ void f(float* x) { x[0] = 1; }";
    private static final Nvrtc.Target SM90 = new Nvrtc.Target("sm_90", true);

    @TempDir
    Path folder;

    private final AtomicInteger compilations = new AtomicInteger();

    private byte[] compiled(String marker) {
        compilations.incrementAndGet();
        return marker.getBytes();
    }

    @Test
    void compilesOnceAndThenReadsTheFile() throws IOException {
        KernelCache cache = new KernelCache(folder);
        assertArrayEquals("a".getBytes(), cache.load("optimizer", SOURCE, SM90, "13.0", () -> compiled("a")));
        assertArrayEquals("a".getBytes(), new KernelCache(folder).load("optimizer", SOURCE, SM90, "13.0",
                () -> compiled("b")));
        assertEquals(1, compilations.get());
        Path file = cache.file("optimizer", SOURCE, SM90, "13.0");
        // sha-256 of the source, first 16 hex digits, computed with `printf %s "$SOURCE" | sha256sum`.
        assertEquals("optimizer-ad226eb23bb0d343-sm_90-nvrtc13.0.cubin",
                file.getFileName().toString());
        assertTrue(Files.isRegularFile(file));
        try (var files = Files.list(folder)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void anotherSourceArchitectureOrNvrtcVersionIsAnotherEntry() {
        KernelCache cache = new KernelCache(folder);
        cache.load("k", SOURCE, SM90, "13.0", () -> compiled("1"));
        cache.load("k", SOURCE + " ", SM90, "13.0", () -> compiled("2"));
        cache.load("k", SOURCE, new Nvrtc.Target("sm_80", true), "13.0", () -> compiled("3"));
        cache.load("k", SOURCE, SM90, "12.6", () -> compiled("4"));
        cache.load("k", SOURCE, new Nvrtc.Target("compute_90", false), "13.0", () -> compiled("5"));
        assertEquals(5, compilations.get());
        assertNotEquals(cache.file("k", SOURCE, SM90, "13.0"), cache.file("k", SOURCE, SM90, "12.6"));
        assertTrue(cache.file("k", SOURCE, new Nvrtc.Target("compute_90", false), "13.0").toString().endsWith(".ptx"));
    }

    @Test
    void hashIsSha256() {
        // sha256("abc"), FIPS 180-2 example.
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KernelCache.sha256("abc"));
    }

    @Test
    void cacheFolderFollowsXdg() {
        assertEquals(Path.of("/x/cache/striate"), CacheFolder.of(Map.of("XDG_CACHE_HOME", "/x/cache"), "/home/a"));
        assertEquals(Path.of("/home/a/.cache/striate"), CacheFolder.of(Map.of(), "/home/a"));
        assertEquals(Path.of("/home/a/.cache/striate"), CacheFolder.of(Map.of("XDG_CACHE_HOME", "rel"), "/home/a"));
    }
}
