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
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One op's CUDA kernel run on a {@link RecordingCudaContext}, its activations (x, y, dx, dy) stored in the type
 * given and its parameters in theirs (F32 weights, F32 and I64 buffers), every tensor a named field so that a test
 * can say which buffer a recorded call was given (an op of several inputs, all of x's shape: {@link #inputs} and
 * {@link #inputGrads}, x and dx first). Prepared, run forward, backward with the gradients wanted, closed;
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
    /** Every input, x first; for most ops just x. */
    final List<Tensor> inputs = new ArrayList<>();
    /** Every input's gradient, dx first. */
    final List<Tensor> inputGrads = new ArrayList<>();
    final List<Tensor> params = new ArrayList<>();
    /** Per parameter its gradient, null for buffers. */
    final List<Tensor> paramGrads = new ArrayList<>();
    private final Op op;
    private final Kernel<Op> kernel;
    private final Object prepared;

    NodeRun(RecordingCudaContext context, Kernel<? extends Op> kernel, Op op, Shape input, DType activations) {
        this(context, kernel, op, input, 1, activations);
    }

    /** An op of {@code inputCount} inputs, each of shape {@code input}. */
    @SuppressWarnings("unchecked")
    NodeRun(RecordingCudaContext context, Kernel<? extends Op> kernel, Op op, Shape input, int inputCount,
            DType activations) {
        this.context = context;
        this.op = op;
        this.kernel = (Kernel<Op>) kernel;
        FakeDevice device = context.device();
        List<Shape> inputShapes = Collections.nCopies(inputCount, input);
        Shape output = op.outputShape(inputShapes);
        for (int i = 0; i < inputCount; i++) {
            inputs.add(device.allocate(input, activations));
        }
        y = device.allocate(output, activations);
        for (int i = 0; i < inputCount; i++) {
            inputGrads.add(device.allocate(input, activations));
        }
        dy = device.allocate(output, activations);
        x = inputs.getFirst();
        dx = inputGrads.getFirst();
        List<Shape> paramShapes = new ArrayList<>();
        for (ParamSpec spec : op.parameters(inputShapes)) {
            params.add(device.allocate(spec.shape(), spec.dtype()));
            paramGrads.add(spec.trainable() ? device.allocate(spec.shape(), spec.dtype()) : null);
            paramShapes.add(spec.shape());
        }
        prepared = this.kernel.prepare(op, new NodeSignature("node", inputShapes,
                Collections.nCopies(inputCount, activations), paramShapes, output, activations));
    }

    /** Forward, then backward with dx and every parameter gradient wanted, then closes the preparation. */
    void run(RunContext run) {
        run(run, false);
    }

    /** As {@link #run(RunContext)}, dx handed to backward fresh ({@link BackwardCall#fresh}) if {@code freshDx}. */
    void run(RunContext run, boolean freshDx) {
        List<Boolean> fresh = new ArrayList<>(Collections.nCopies(inputs.size(), false));
        fresh.set(0, freshDx);
        run(run, Collections.nCopies(inputs.size(), true), fresh, true);
    }

    /**
     * Forward, then backward with input i's gradient wanted where {@code wanted.get(i)} (else null) and handed over
     * fresh where {@code fresh.get(i)}, and every parameter gradient if {@code paramGradsWanted}; then closes the
     * preparation and checks every launch and cuDNN call.
     */
    void run(RunContext run, List<Boolean> wanted, List<Boolean> fresh, boolean paramGradsWanted) {
        Object saved = kernel.forward(op, new ForwardCall(inputs, params, y, run, 1, prepared));
        List<Tensor> grads = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            grads.add(wanted.get(i) ? inputGrads.get(i) : null);
        }
        List<Tensor> wantedParamGrads = paramGradsWanted ? paramGrads
                : new ArrayList<>(Collections.nCopies(paramGrads.size(), null));
        kernel.backward(op, new BackwardCall(inputs, params, y, dy, grads, wantedParamGrads, run, 1, saved, prepared,
                fresh));
        if (prepared instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        context.launches().forEach(KernelLaunchTest::checkLaunch);
        // A gradient handed over fresh may be written whole (beta 0); every other one must be added into.
        CudnnDataTypes.check(context, x.dtype(), address -> isAddedInto(address, fresh) || paramGrads.stream()
                .anyMatch(grad -> grad != null && address == address(grad)));
        assertEquals(Map.of(), context.cudnnFake().liveDescriptorsByKind(), "every cuDNN descriptor is destroyed");
    }

    private boolean isAddedInto(long address, List<Boolean> fresh) {
        for (int i = 0; i < inputGrads.size(); i++) {
            if (address == address(inputGrads.get(i)) && !fresh.get(i)) {
                return true;
            }
        }
        return false;
    }

    /** A tensor's device address, as cuDNN calls are recorded with it. */
    long address(Tensor tensor) {
        return context.device().address(tensor);
    }
}
