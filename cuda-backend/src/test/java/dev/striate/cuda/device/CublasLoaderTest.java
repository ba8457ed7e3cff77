package dev.striate.cuda.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rewritten JCublas2 native in the cache: named as JCuda extracts it, keyed by the original's hash, made once. */
class CublasLoaderTest {
    @TempDir
    Path cache;

    @Test
    void writesTheRewrittenNativeOnceUnderItsHash() throws IOException {
        Path file = CublasLoader.rewritten(13, cache);
        assertEquals(CublasLoader.NATIVE, file.getFileName().toString());
        assertTrue(Pattern.matches("[0-9a-f]{16}-cublas13", file.getParent().getFileName().toString()),
                file.toString());
        assertEquals(cache.resolve("natives"), file.getParent().getParent());
        String image = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertTrue(image.contains("libcublas.so.13\0"));

        long written = Files.getLastModifiedTime(file).toMillis();
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(written - 60_000));
        assertEquals(file, CublasLoader.rewritten(13, cache));
        assertEquals(written - 60_000, Files.getLastModifiedTime(file).toMillis(), "the cached file is reused");
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count());
        }
    }
}
