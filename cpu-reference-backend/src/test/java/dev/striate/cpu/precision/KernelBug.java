package dev.striate.cpu.precision;

import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Op;

/** A planted bug in one op's GPU kernel: it wraps the emulated kernel (reference plus roundings) of that op. */
public interface KernelBug {
    KernelBug NONE = new KernelBug() {
        @Override
        public <O extends Op> Kernel<O> wrap(Class<O> opClass, Kernel<O> kernel, EmulatedPrecisionBackend backend) {
            return kernel;
        }

        @Override
        public String description() {
            return "no bug";
        }
    };

    /** The kernel with the bug if {@code opClass} is the op it is in, else {@code kernel} itself. */
    <O extends Op> Kernel<O> wrap(Class<O> opClass, Kernel<O> kernel, EmulatedPrecisionBackend backend);

    String description();
}
