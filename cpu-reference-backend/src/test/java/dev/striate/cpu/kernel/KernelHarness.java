package dev.striate.cpu.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.backend.RunContext;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs one reference kernel directly on hand-made tensors, as the executor would, for known-answer tests. */
final class KernelHarness {
    static final CpuBackend BACKEND = new CpuBackend();
    static final long NODE_ID = 17;

    /** A forward pass's output and what the kernel saved for backward. */
    record Forward(Tensor output, Object saved) {
        double[] values() {
            return CpuBackend.data(output);
        }
    }

    private KernelHarness() {
    }

    static Tensor tensor(Shape shape, double... values) {
        Tensor t = BACKEND.allocate(shape, DType.F64, TensorRole.SCRATCH);
        BACKEND.write(t, values);
        return t;
    }

    static Forward forward(Op op, RunContext context, Tensor... inputs) {
        return forward(op, context, List.of(), inputs);
    }

    static Forward forward(Op op, RunContext context, List<Tensor> params, Tensor... inputs) {
        List<Shape> shapes = Arrays.stream(inputs).map(Tensor::shape).toList();
        Tensor output = BACKEND.allocate(op.outputShape(shapes), DType.F64, TensorRole.SCRATCH);
        Object saved = kernel(op).forward(op, new ForwardCall(List.of(inputs), params, output, context, NODE_ID,
                prepare(op, output, params, inputs)));
        return new Forward(output, saved);
    }

    static List<double[]> backward(Op op, RunContext context, Forward forward, double[] outputGrad,
                                   Tensor... inputs) {
        return backward(op, context, forward, List.of(), List.of(), outputGrad, inputs);
    }

    /**
     * Backward from zeroed gradients: returns dL/dinput for every input (null where the op gives none, as for
     * labels); parameter gradients are added into {@code paramGrads}.
     */
    static List<double[]> backward(Op op, RunContext context, Forward forward, List<Tensor> params,
                                   List<Tensor> paramGrads, double[] outputGrad, Tensor... inputs) {
        List<Tensor> inputGrads = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            inputGrads.add(op.isDifferentiable(i) ? BACKEND.allocate(inputs[i].shape(), DType.F64, TensorRole.SCRATCH) : null);
        }
        Tensor dy = tensor(forward.output().shape(), outputGrad);
        kernel(op).backward(op, new BackwardCall(List.of(inputs), params, forward.output(), dy, inputGrads,
                paramGrads, context, NODE_ID, forward.saved(), prepare(op, forward.output(), params, inputs)));
        List<double[]> result = new ArrayList<>();
        for (Tensor g : inputGrads) {
            result.add(g == null ? null : CpuBackend.data(g));
        }
        return result;
    }

    /** What the executor would prepare for this node when compiling its graph. */
    private static Object prepare(Op op, Tensor output, List<Tensor> params, Tensor... inputs) {
        return kernel(op).prepare(op, new NodeSignature("op", Arrays.stream(inputs).map(Tensor::shape).toList(),
                Arrays.stream(inputs).map(Tensor::dtype).toList(), params.stream().map(Tensor::shape).toList(),
                output.shape(), output.dtype()));
    }

    @SuppressWarnings("unchecked")
    private static <O extends Op> Kernel<O> kernel(O op) {
        return (Kernel<O>) BACKEND.kernel(op.getClass());
    }
}
