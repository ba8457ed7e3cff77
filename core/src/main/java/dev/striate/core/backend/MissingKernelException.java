package dev.striate.core.backend;

import dev.striate.core.op.Op;

/** A backend has no kernel for an op. */
public final class MissingKernelException extends RuntimeException {
    public MissingKernelException(Class<? extends Op> opClass, String backendName) {
        super("backend '" + backendName + "' has no kernel for op '" + Op.typeNameOf(opClass) + "' ("
                + opClass.getSimpleName() + ")");
    }
}
