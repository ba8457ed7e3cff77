package dev.striate.cuda.device;

import dev.striate.cuda.natives.LibraryDiscovery;
import java.nio.file.Path;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;

/**
 * Run in its own JVM by {@link CublasBindingTest} (a JVM keeps the natives it loaded): loads JCublas2 through
 * {@link CublasLoader} against the {@code libcublas.so.13} named by the first argument, with the cache folder of the
 * second, then calls {@code cublasCreate} and prints the status it returned.
 */
public final class CublasStubProbe {
    private CublasStubProbe() {
    }

    public static void main(String[] args) {
        CublasLoader.load(new LibraryDiscovery.Found(Path.of(args[0]), 13, "test"), Path.of(args[1]));
        System.out.println("cublasCreate status " + JCublas2.cublasCreate(new cublasHandle()));
    }
}
