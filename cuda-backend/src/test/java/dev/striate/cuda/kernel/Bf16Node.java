package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.io.HalfPrecision;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import dev.striate.cuda.CudaContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of bf16 work on given values, run two ways: through its CUDA kernel class on a {@link RecordingCudaContext}
 * with tensors of the node's types (BF16 activations), recording the launches for the host emulation; and through the
 * reference backend's kernel in float64 on the same values. Its own kernels must do all of it: no cuDNN call, every
 * launch in the bf16 variant and matching its kernel's signature there.
 */
final class Bf16Node {
    /** What one run recorded, and the reference's result for the tensor {@code result}. */
    record Run(FakeDevice device, Map<Tensor, double[]> initial, List<RecordingCudaContext.Launch> launches,
               Tensor result, double[] reference) {
    }

    private final Op op;
    private final List<Shape> inputShapes;
    private final List<DType> inputTypes;
    private final List<double[]> inputs;
    private final Shape outputShape;
    private final DType outputType;

    Bf16Node(Op op, List<Shape> inputShapes, List<DType> inputTypes, List<double[]> inputs, DType outputType) {
        this.op = op;
        this.inputShapes = inputShapes;
        this.inputTypes = inputTypes;
        this.inputs = inputs;
        this.outputShape = op.outputShape(inputShapes);
        this.outputType = outputType;
    }

    /** A one-input node whose input and output are BF16. */
    static Bf16Node unary(Op op, Shape shape, double[] x) {
        return new Bf16Node(op, List.of(shape), List.of(DType.BF16), List.of(x), DType.BF16);
    }

    /** The values rounded to bf16 (to nearest, ties to even), as doubles. */
    static double[] rounded(double[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = HalfPrecision.fromBf16Bits(HalfPrecision.toBf16Bits(values[i]));
        }
        return result;
    }

    static double[] rounded(float[] values) {
        return rounded(EmulationValues.toDoubles(values));
    }

    /** Forward: the output starts as NaN, so a kernel that reads it before writing fails. */
    Run forward() {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16);
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        List<Tensor> deviceInputs = deviceInputs(context, initial);
        Tensor y = context.device().allocate(outputShape, outputType);
        double[] undefined = new double[Math.toIntExact(outputShape.size())];
        Arrays.fill(undefined, Double.NaN);
        initial.put(y, undefined);
        Kernel<Op> kernel = cudaKernel(context, op);
        Object prepared = kernel.prepare(op, signature());
        kernel.forward(op, new ForwardCall(deviceInputs, List.of(), y, RunContext.evaluation(), 0, prepared));
        requireOwnKernels(context);
        return new Run(context.device(), initial, context.launches(), y, referenceForward());
    }

    /**
     * Backward with y as the forward stores it (the reference's, rounded to bf16 for a BF16 output), the given output
     * gradient, and each input gradient starting at {@code starts} (null: not wanted), which the kernels must add to.
     * The result is the first input's gradient.
     */
    Run backward(double[] outputGradient, List<double[]> starts) {
        double[] y = outputType == DType.BF16 ? rounded(referenceForward()) : referenceForward();
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16);
        FakeDevice device = context.device();
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        List<Tensor> deviceInputs = deviceInputs(context, initial);
        Tensor deviceY = device.allocate(outputShape, outputType);
        Tensor deviceDy = device.allocate(outputShape, outputType);
        initial.put(deviceY, y);
        initial.put(deviceDy, outputGradient);
        List<Tensor> inputGrads = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Tensor grad = starts.get(i) == null ? null : device.allocate(inputShapes.get(i), inputTypes.get(i));
            if (grad != null) {
                initial.put(grad, starts.get(i));
            }
            inputGrads.add(grad);
        }
        Kernel<Op> kernel = cudaKernel(context, op);
        Object prepared = kernel.prepare(op, signature());
        kernel.backward(op, new BackwardCall(deviceInputs, List.of(), deviceY, deviceDy, inputGrads, List.of(),
                RunContext.evaluation(), 0, null, prepared));
        requireOwnKernels(context);
        return new Run(device, initial, context.launches(), inputGrads.getFirst(),
                referenceBackward(y, outputGradient, starts));
    }

    private List<Tensor> deviceInputs(RecordingCudaContext context, Map<Tensor, double[]> initial) {
        List<Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Tensor tensor = context.device().allocate(inputShapes.get(i), inputTypes.get(i));
            initial.put(tensor, inputs.get(i));
            tensors.add(tensor);
        }
        return tensors;
    }

    private NodeSignature signature() {
        return new NodeSignature("node", inputShapes, inputTypes, List.of(), outputShape, outputType);
    }

    private static void requireOwnKernels(RecordingCudaContext context) {
        assertEquals(List.of(), context.cudnnCalls(), "a BF16 node calls no cuDNN");
        for (RecordingCudaContext.Launch launch : context.launches()) {
            assertEquals(DType.BF16, launch.storage(), launch.kernel() + " runs in the bf16 variant");
            KernelLaunchTest.checkLaunch(launch);
        }
    }

    /** The CUDA kernel class of {@code op} ({@code <Op>Kernel} of this package), made for {@code context}. */
    @SuppressWarnings("unchecked")
    static Kernel<Op> cudaKernel(CudaContext context, Op op) {
        String name = "dev.striate.cuda.kernel." + op.getClass().getSimpleName() + "Kernel";
        try {
            return (Kernel<Op>) Class.forName(name).getConstructor(CudaContext.class).newInstance(context);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no CUDA kernel " + name, e);
        }
    }

    private double[] referenceForward() {
        CpuBackend cpu = new CpuBackend();
        Tensor y = cpu.allocate(outputShape, DType.F32, TensorRole.ACTIVATION);
        referenceKernel(cpu).forward(op, new ForwardCall(cpuInputs(cpu), List.of(), y, RunContext.evaluation(), 0,
                null));
        return cpu.read(y);
    }

    private double[] referenceBackward(double[] y, double[] outputGradient, List<double[]> starts) {
        CpuBackend cpu = new CpuBackend();
        Tensor cpuY = cpuTensor(cpu, outputShape, y);
        Tensor dy = cpuTensor(cpu, outputShape, outputGradient);
        List<Tensor> inputGrads = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            inputGrads.add(starts.get(i) == null ? null : cpuTensor(cpu, inputShapes.get(i), starts.get(i)));
        }
        referenceKernel(cpu).backward(op, new BackwardCall(cpuInputs(cpu), List.of(), cpuY, dy, inputGrads, List.of(),
                RunContext.evaluation(), 0, null, null));
        return cpu.read(inputGrads.getFirst());
    }

    private List<Tensor> cpuInputs(CpuBackend cpu) {
        List<Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            tensors.add(cpuTensor(cpu, inputShapes.get(i), inputs.get(i)));
        }
        return tensors;
    }

    private static Tensor cpuTensor(CpuBackend cpu, Shape shape, double[] values) {
        Tensor tensor = cpu.allocate(shape, DType.F32, TensorRole.ACTIVATION);
        cpu.write(tensor, values);
        return tensor;
    }

    @SuppressWarnings("unchecked")
    private Kernel<Op> referenceKernel(CpuBackend cpu) {
        return (Kernel<Op>) cpu.kernel((Class<Op>) op.getClass());
    }
}
