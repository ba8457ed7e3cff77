package dev.striate.cuda.kernel;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.device.CublasLoader;
import dev.striate.cuda.natives.LibraryDiscovery;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import jcuda.Pointer;
import jcuda.jcublas.cublasHandle;

/**
 * Run in its own JVM by {@link GemmExBindingTest}: loads JCublas2 against the stand-in {@code libcublas.so.13} named
 * by the first argument (cache folder the second) and makes one {@link JCublasCalls#gemmEx} and one
 * {@link JCublasCalls#sgemm} call with distinct arguments; the stand-in prints what reached it. The context gives
 * JCuda's null handle and pointers: only the arguments' passage is under test.
 */
public final class GemmExProbe {
    private GemmExProbe() {
    }

    public static void main(String[] args) {
        CublasLoader.load(new LibraryDiscovery.Found(Path.of(args[0]), 13, "test"), Path.of(args[1]));
        CudaContext context = (CudaContext) Proxy.newProxyInstance(GemmExProbe.class.getClassLoader(),
                new Class<?>[] {CudaContext.class}, (proxy, method, arguments) -> switch (method.getName()) {
                    case "cublas" -> new cublasHandle();
                    case "pointer" -> new Pointer();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        FakeDevice device = new FakeDevice();
        JCublasCalls calls = new JCublasCalls(context);
        int gemmEx = calls.gemmEx(1, 0, 2, 3, 4, 1.5f, device.allocate(Shape.of(2, 4), DType.BF16), 14, 5,
                device.allocate(Shape.of(3, 4), DType.BF16), 14, 6, 0.25f, device.allocate(Shape.of(2, 4), DType.F32),
                0, 7, 68, -1);
        System.out.println("gemmEx status " + gemmEx);
        int sgemm = calls.sgemm(0, 1, 8, 9, 10, 2.5f, device.allocate(Shape.of(1), DType.F32), 11,
                device.allocate(Shape.of(1), DType.F32), 12, 0.75f, device.allocate(Shape.of(1), DType.F32), 13);
        System.out.println("sgemm status " + sgemm);
    }
}
