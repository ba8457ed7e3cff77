package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Op;
import dev.striate.cuda.CudaContext;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every op has a CUDA kernel class the backend can make: {@code <Op>Kernel implements Kernel<Op>}, public (CudaContext). */
class KernelCoverageTest {
    @Test
    void everyOpHasACudaKernelWithAContextConstructor() {
        List<String> missing = new ArrayList<>();
        for (Class<?> op : Op.class.getPermittedSubclasses()) {
            String name = "dev.striate.cuda.kernel." + op.getSimpleName() + "Kernel";
            Class<?> kernel;
            try {
                // Not initialized: loading a kernel class must not need CUDA.
                kernel = Class.forName(name, false, getClass().getClassLoader());
            } catch (ClassNotFoundException e) {
                missing.add(op.getSimpleName());
                continue;
            }
            assertTrue(Kernel.class.isAssignableFrom(kernel), name + " implements Kernel");
            assertTrue(Modifier.isPublic(kernel.getModifiers()), name + " is public");
            try {
                assertTrue(Modifier.isPublic(kernel.getConstructor(CudaContext.class).getModifiers()));
            } catch (NoSuchMethodException e) {
                missing.add(op.getSimpleName() + " (no public constructor taking CudaContext)");
                continue;
            }
            assertEquals(op, kernelOpType(kernel), name + " is the kernel of " + op.getSimpleName());
        }
        assertEquals(List.of(), missing, "ops without a CUDA kernel");
    }

    /** The O of the Kernel<O> a class implements, directly or through a generic superclass. */
    private static Type kernelOpType(Class<?> kernel) {
        for (Class<?> c = kernel; c != null; c = c.getSuperclass()) {
            Type superclass = c.getGenericSuperclass();
            if (superclass instanceof ParameterizedType p && Kernel.class.isAssignableFrom((Class<?>) p.getRawType())) {
                return p.getActualTypeArguments()[0];
            }
            for (Type implemented : c.getGenericInterfaces()) {
                if (implemented instanceof ParameterizedType p && p.getRawType() == Kernel.class) {
                    return p.getActualTypeArguments()[0];
                }
            }
        }
        throw new AssertionError(kernel + " does not say which op it is the kernel of");
    }
}
