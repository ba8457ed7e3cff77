package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Op;
import dev.striate.core.op.ParamSpec;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One op's CUDA kernel run on a {@link RecordingCudaContext}, its activations (x, y, dx, dy) stored in the type
 * given and its parameters in theirs (F32 weights, F32 and I64 buffers), every tensor a named field so that a test
 * can say which buffer a recorded call was given. Prepared, run forward, backward with every gradient wanted, closed;
 * then every launch is checked against its kernel's signature (in the variant it ran in), every cuDNN call's
 * descriptors against the tensors they describe ({@link CudnnDataTypes}), and every cuDNN descriptor must have been
 * destroyed.
 */
final class NodeRun {
    final RecordingCudaContext context;
    final Tensor x;
    final Tensor y;
    final Tensor dx;
    final Tensor dy;
    final List<Tensor> params = new ArrayList<>();
    /** Per parameter its gradient, null for buffers. */
    final List<Tensor> paramGrads = new ArrayList<>();
    private final Op op;
    private final Kernel<Op> kernel;
    private final Object prepared;

    @SuppressWarnings("unchecked")
    NodeRun(RecordingCudaContext context, Kernel<? extends Op> kernel, Op op, Shape input, DType activations) {
        this.context = context;
        this.op = op;
        this.kernel = (Kernel<Op>) kernel;
        FakeDevice device = context.device();
        Shape output = op.outputShape(List.of(input));
        x = device.allocate(input, activations);
        y = device.allocate(output, activations);
        dx = device.allocate(input, activations);
        dy = device.allocate(output, activations);
        List<Shape> paramShapes = new ArrayList<>();
        for (ParamSpec spec : op.parameters(List.of(input))) {
            params.add(device.allocate(spec.shape(), spec.dtype()));
            paramGrads.add(spec.trainable() ? device.allocate(spec.shape(), spec.dtype()) : null);
            paramShapes.add(spec.shape());
        }
        prepared = this.kernel.prepare(op, new NodeSignature("node", List.of(input), List.of(activations),
                paramShapes, output, activations));
    }

    /** Forward, then backward with dx and every parameter gradient wanted, then closes the preparation. */
    void run(RunContext run) {
        run(run, false);
    }

    /** As {@link #run(RunContext)}, dx handed to backward fresh ({@link BackwardCall#fresh}) if {@code freshDx}. */
    void run(RunContext run, boolean freshDx) {
        Object saved = kernel.forward(op, new ForwardCall(List.of(x), params, y, run, 1, prepared));
        kernel.backward(op, new BackwardCall(List.of(x), params, y, dy, List.of(dx), paramGrads, run, 1, saved,
                prepared, List.of(freshDx)));
        if (prepared instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        context.launches().forEach(KernelLaunchTest::checkLaunch);
        // A gradient handed over fresh may be written whole (beta 0); every other one must be added into.
        CudnnDataTypes.check(context, x.dtype(), address -> address == address(dx) && !freshDx || paramGrads.stream()
                .anyMatch(grad -> grad != null && address == address(grad)));
        assertEquals(Map.of(), context.cudnnFake().liveDescriptorsByKind(), "every cuDNN descriptor is destroyed");
    }

    /** A tensor's device address, as cuDNN calls are recorded with it. */
    long address(Tensor tensor) {
        return context.device().address(tensor);
    }
}
