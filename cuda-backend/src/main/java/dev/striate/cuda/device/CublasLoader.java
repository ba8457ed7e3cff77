package dev.striate.cuda.device;

import dev.striate.cuda.natives.CacheFolder;
import dev.striate.cuda.natives.CudaLibraryLoader;
import dev.striate.cuda.natives.ElfNeededRewriter;
import dev.striate.cuda.natives.LibraryDiscovery;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import jcuda.jcublas.JCublas2;

/**
 * Loads JCuda's JCublas2 native against the cuBLAS library discovery found. The native needs
 * {@code libcublas.so.12}; for another major (CUDA 13's {@code libcublas.so.13}) a copy is rewritten once
 * ({@link ElfNeededRewriter}) into {@code <cache>/natives/<sha-256 of the original, 16 hex>-cublas<major>/} under the
 * file name JCuda extracts its native to. JCuda's loader first tries {@code java.library.path} (fixed at JVM start),
 * then extracts its native into {@code java.io.tmpdir} unless a file of that name is already there, and loads it; so
 * while JCublas2 initialises, {@code java.io.tmpdir} names the cache folder and JCuda loads the rewritten file itself.
 * cuBLAS is opened by its full path first, so the native's {@code DT_NEEDED} finds it by soname wherever it lives.
 */
public final class CublasLoader {
    static final String NATIVE = "libJCublas2-12.6.0-linux-x86_64.so";
    private static boolean loaded;

    private CublasLoader() {
    }

    public static synchronized void load(LibraryDiscovery.Found cublas, Path cacheFolder) {
        if (loaded) {
            return;
        }
        CudaLibraryLoader.openCublas(cublas);
        if (cublas.major() == 12) {
            initialize();
        } else {
            Path rewritten = rewritten(cublas.major(), cacheFolder);
            try {
                System.load(rewritten.toString());
            } catch (UnsatisfiedLinkError e) {
                throw new CudaException("the JCublas2 native rewritten for libcublas.so." + cublas.major()
                        + " does not load: " + e.getMessage(), e);
            }
            String temporaryFolder = System.getProperty("java.io.tmpdir");
            System.setProperty("java.io.tmpdir", rewritten.getParent().toString());
            try {
                initialize();
            } finally {
                System.setProperty("java.io.tmpdir", temporaryFolder);
            }
        }
        loaded = true;
    }

    private static void initialize() {
        try {
            JCublas2.initialize();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new CudaException("JCuda's JCublas2 native does not load: " + reason, e);
        }
    }

    /** The rewritten native in the cache, written there first if it is not yet. */
    static Path rewritten(int major, Path cacheFolder) {
        byte[] original = original();
        Path folder = cacheFolder.resolve("natives").resolve(sha256(original).substring(0, 16) + "-cublas" + major);
        Path file = folder.resolve(NATIVE);
        if (Files.isRegularFile(file)) {
            return file;
        }
        byte[] image = ElfNeededRewriter.rewrite(original, "libcublas.so.12", "libcublas.so." + major);
        try {
            CacheFolder.store(file, image);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the rewritten cuBLAS native into " + folder + ": "
                    + e.getMessage() + " (set XDG_CACHE_HOME to a writable folder)", e);
        }
    }

    private static byte[] original() {
        try (InputStream in = JCublas2.class.getResourceAsStream("/lib/" + NATIVE)) {
            if (in == null) {
                throw new CudaException("this build lacks JCuda's " + NATIVE + " (jcublas-natives linux-x86_64)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + NATIVE + " from the jar", e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
