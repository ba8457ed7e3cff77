package dev.striate.core.backend;

import dev.striate.core.op.Op;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A backend's kernels, found by the op's name: the kernel of op {@code Conv2d} is the class
 * {@code <package>.Conv2dKernel}. Adding an op's kernel is adding one file; a missing one is reported by name when a
 * graph that uses the op is compiled. A backend with a context (handles, a stream) passes it to kernels whose
 * constructor takes it; other kernels have a no-argument constructor.
 */
public final class KernelDirectory {
    private final String backendName;
    private final Map<Class<? extends Op>, Kernel<?>> kernels = new LinkedHashMap<>();

    /** Kernels with no-argument constructors. */
    public KernelDirectory(String backendName, String kernelPackage, ClassLoader loader) {
        this(backendName, kernelPackage, loader, Void.class, null);
    }

    /** Kernels made with {@code new XKernel(context)}, or {@code new XKernel()} where that is what they declare. */
    public <C> KernelDirectory(String backendName, String kernelPackage, ClassLoader loader, Class<C> contextType,
                               C context) {
        this.backendName = backendName;
        for (Class<?> permitted : Op.class.getPermittedSubclasses()) {
            Class<? extends Op> opClass = permitted.asSubclass(Op.class);
            String kernelName = kernelPackage + "." + opClass.getSimpleName() + "Kernel";
            Class<?> kernelClass;
            try {
                kernelClass = Class.forName(kernelName, true, loader);
            } catch (ClassNotFoundException e) {
                // No kernel for this op on this backend: kernel() reports it when a graph needs it.
                continue;
            }
            kernels.put(opClass, create(kernelClass, contextType, context));
        }
    }

    private static <C> Kernel<?> create(Class<?> kernelClass, Class<C> contextType, C context) {
        try {
            for (Constructor<?> constructor : kernelClass.getDeclaredConstructors()) {
                Class<?>[] parameters = constructor.getParameterTypes();
                if (parameters.length == 1 && parameters[0].isAssignableFrom(contextType)) {
                    return (Kernel<?>) constructor.newInstance(context);
                }
            }
            return (Kernel<?>) kernelClass.getDeclaredConstructor().newInstance();
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
                 | InvocationTargetException e) {
            throw new IllegalStateException("kernel " + kernelClass.getName() + " cannot be created", e);
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
