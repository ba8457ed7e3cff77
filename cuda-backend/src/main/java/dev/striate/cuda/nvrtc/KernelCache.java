package dev.striate.cuda.nvrtc;

import dev.striate.cuda.natives.CacheFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Compiled kernels on disk, so NVRTC runs once per source, architecture and NVRTC version, not once per process:
 * {@code <folder>/<name>-<source sha-256, 16 hex>-<architecture>-nvrtc<version>.<cubin|ptx>}. A changed source, another
 * GPU or another NVRTC gets its own file; files are written whole (temporary file, then a rename), so a crash never
 * leaves a truncated image behind.
 */
public final class KernelCache {
    private final Path folder;

    public KernelCache(Path folder) {
        this.folder = folder;
    }

    public Path file(String name, String source, Nvrtc.Target target, String nvrtcVersion) {
        return folder.resolve(name + "-" + sha256(source).substring(0, 16) + "-" + target.architecture() + "-nvrtc"
                + nvrtcVersion + (target.cubin() ? ".cubin" : ".ptx"));
    }

    /** The cached image, or {@code compile}'s result stored for next time. */
    public byte[] load(String name, String source, Nvrtc.Target target, String nvrtcVersion, Supplier<byte[]> compile) {
        Path file = file(name, source, target, nvrtcVersion);
        try {
            if (Files.isRegularFile(file)) {
                return Files.readAllBytes(file);
            }
            byte[] image = compile.get();
            CacheFolder.store(file, image);
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the kernel cache " + folder + ": " + e.getMessage()
                    + " (set XDG_CACHE_HOME to a writable folder)", e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
