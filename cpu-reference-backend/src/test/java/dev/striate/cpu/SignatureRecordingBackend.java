package dev.striate.cpu;

import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.Op;
import dev.striate.cpu.check.WrappedCpuBackend;
import dev.striate.cpu.check.WrappedKernel;
import java.util.ArrayList;
import java.util.List;

/** The reference backend, keeping every {@link NodeSignature} its kernels are prepared with, in order. */
class SignatureRecordingBackend extends WrappedCpuBackend {
    final List<NodeSignature> signatures = new ArrayList<>();

    @Override
    public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
        Kernel<O> kernel = super.kernel(opClass);
        return new WrappedKernel<>(kernel) {
            @Override
            public Object prepare(O op, NodeSignature signature) {
                signatures.add(signature);
                return kernel.prepare(op, signature);
            }
        };
    }
}
