package dev.striate.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file whole or not at all: into {@code <name>.partial} beside it, then renamed over it. When the write
 * fails (the disk is full, the folder went away) the partial file is removed, so a failure leaves the old file as
 * it was and nothing else behind.
 */
public final class AtomicFile {
    static final String PARTIAL_SUFFIX = ".partial";

    private AtomicFile() {
    }

    public static void write(Path file, byte[] contents) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + PARTIAL_SUFFIX);
        try {
            Files.write(temporary, contents);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }
}
