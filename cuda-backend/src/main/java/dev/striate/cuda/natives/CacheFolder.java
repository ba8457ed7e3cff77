package dev.striate.cuda.natives;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Where Striate keeps what it derives once per machine (rewritten natives, compiled kernels). */
public final class CacheFolder {
    private CacheFolder() {
    }

    /** {@code $XDG_CACHE_HOME/striate}, else {@code ~/.cache/striate}. */
    public static Path of(Map<String, String> environment, String userHome) {
        String xdg = environment.get("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, "striate");
        }
        return Path.of(userHome, ".cache", "striate");
    }

    public static Path ofThisUser() {
        return of(System.getenv(), System.getProperty("user.home"));
    }

    /**
     * Writes {@code bytes} as {@code file} whole: into a temporary file beside it, then renamed, so that a crash or a
     * second process never leaves a truncated file under the final name.
     */
    public static void store(Path file, byte[] bytes) throws IOException {
        Path folder = file.getParent();
        Files.createDirectories(folder);
        Path temporary = Files.createTempFile(folder, file.getFileName().toString(), ".partial");
        Files.write(temporary, bytes);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
