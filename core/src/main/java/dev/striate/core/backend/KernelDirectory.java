package dev.striate.core.backend;

import dev.striate.core.op.Op;
import java.lang.reflect.InvocationTargetException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A backend's kernels, found by the op's name: the kernel of op {@code Conv2d} is the class
 * {@code <package>.Conv2dKernel} with a no-argument constructor. Adding an op's kernel is adding one file;
 * a missing one is reported by name when a graph that uses the op is compiled.
 */
public final class KernelDirectory {
    private final String backendName;
    private final Map<Class<? extends Op>, Kernel<?>> kernels = new LinkedHashMap<>();

    public KernelDirectory(String backendName, String kernelPackage, ClassLoader loader) {
        this.backendName = backendName;
        for (Class<?> permitted : Op.class.getPermittedSubclasses()) {
            Class<? extends Op> opClass = permitted.asSubclass(Op.class);
            String kernelName = kernelPackage + "." + opClass.getSimpleName() + "Kernel";
            try {
                Class<?> kernelClass = Class.forName(kernelName, true, loader);
                kernels.put(opClass, (Kernel<?>) kernelClass.getDeclaredConstructor().newInstance());
            } catch (ClassNotFoundException e) {
                // No kernel for this op on this backend: kernel() reports it when a graph needs it.
                continue;
            } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
                     | InvocationTargetException e) {
                throw new IllegalStateException("kernel " + kernelName + " cannot be created", e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
        Kernel<?> kernel = kernels.get(opClass);
        if (kernel == null) {
            throw new MissingKernelException(opClass, backendName);
        }
        return (Kernel<O>) kernel;
    }

    public Set<Class<? extends Op>> ops() {
        return Collections.unmodifiableSet(kernels.keySet());
    }
}
