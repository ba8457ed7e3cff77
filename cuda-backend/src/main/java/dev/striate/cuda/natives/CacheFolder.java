package dev.striate.cuda.natives;

import java.nio.file.Path;
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
}
