package dev.striate.cuda.gpu;

import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Precision;
import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.CudaBackendProvider;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One fp32 CUDA backend for all the tests of a class, opened before the first and closed after the last; register it
 * with {@code @RegisterExtension static final SharedGpuBackend GPU = new SharedGpuBackend();}. A class that
 * {@link GpuTest} disables never opens it.
 */
final class SharedGpuBackend implements BeforeAllCallback, AfterAllCallback {
    private CudaBackend backend;

    CudaBackend backend() {
        return backend;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        backend = (CudaBackend) new CudaBackendProvider().open(new BackendOptions(Precision.FP32));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }
}
