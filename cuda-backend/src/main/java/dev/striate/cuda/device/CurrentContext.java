package dev.striate.cuda.device;

/**
 * Which CUDA context each thread last made current through Striate. Driver, cuBLAS and cuDNN calls act on the
 * calling thread's current context, so a thread that alternates between two GPUs must switch it at every change;
 * asking again for the context already current costs nothing.
 */
final class CurrentContext {
    private static final ThreadLocal<Object> CURRENT = new ThreadLocal<>();

    private CurrentContext() {
    }

    /** Runs {@code makeCurrent} unless {@code context} is already this thread's current context. */
    static void use(Object context, Runnable makeCurrent) {
        if (CURRENT.get() != context) {
            makeCurrent.run();
            CURRENT.set(context);
        }
    }
}
