package dev.striate.cpu;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.BackendProvider;

/** Registers the reference backend with ServiceLoader; it runs anywhere. */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return CpuBackend.NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public Backend open(BackendOptions options) {
        return new CpuBackend();
    }
}
