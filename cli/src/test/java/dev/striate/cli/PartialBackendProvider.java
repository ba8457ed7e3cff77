package dev.striate.cli;

import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.BackendProvider;
import dev.striate.core.backend.Precision;
import dev.striate.cpu.CpuBackend;

/**
 * {@code --device partial}, for the tests: the reference backend in fp32, a refusal in bf16 as the CUDA backend
 * refuses it (a user error), and a planted internal failure in tf32. Least preferred, so {@code auto} never picks it.
 */
public final class PartialBackendProvider implements BackendProvider {
    static final String NAME = "partial";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -1;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public Backend open(BackendOptions options) {
        if (options.precision() == Precision.BF16) {
            throw new UserException("--precision bf16 is not available on partial yet; use --precision fp32 or tf32");
        }
        if (options.precision() == Precision.TF32) {
            throw new IllegalStateException("planted failure of the tf32 kernels");
        }
        return new CpuBackend();
    }
}
