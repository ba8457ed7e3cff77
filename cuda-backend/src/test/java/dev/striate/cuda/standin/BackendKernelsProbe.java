package dev.striate.cuda.standin;

import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.ParameterUpdate;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.CudaBackendProvider;
import java.util.Arrays;
import java.util.List;

/**
 * Run in its own JVM by {@link BackendKernelsStandInTest}: the backend's own device work (scale, sum of squares, fused
 * optimizer updates, top-k of F32 and BF16 scores, I64 fill, zeroing several tensors) on a stand-in driver that runs the kernels' documented C signatures on host
 * memory, with the kernels "compiled" by a stand-in NVRTC.
 */
public final class BackendKernelsProbe {
    private BackendKernelsProbe() {
    }

    private static Tensor tensor(CudaBackend backend, DType dtype, float... values) {
        Tensor tensor = backend.allocate(Shape.of(values.length), dtype, TensorRole.PARAMETER);
        backend.write(tensor, values);
        return tensor;
    }

    public static void main(String[] args) {
        CudaBackend backend = (CudaBackend) new CudaBackendProvider().open(new BackendOptions(Precision.FP32));
        Tensor a = tensor(backend, DType.F32, 1, 2, 3);
        backend.scale(a, 0.5);
        System.out.println("scale " + Arrays.toString(backend.read(a)));
        Tensor b = tensor(backend, DType.F32, 4);
        System.out.println("sum of squares " + backend.sumOfSquares(List.of(a, b)));

        Tensor param = tensor(backend, DType.F32, 1);
        Tensor grad = tensor(backend, DType.F32, 0.5f);
        Tensor buffer = tensor(backend, DType.F32, 0);
        Tensor bias = tensor(backend, DType.F32, 1);
        Tensor biasGrad = tensor(backend, DType.F32, 0.5f);
        Tensor biasBuffer = tensor(backend, DType.F32, 0);
        UpdateRule decayed = new UpdateRule.Sgd(0.9, 0, false, 0.1);
        List<ParameterUpdate> updates = List.of(new ParameterUpdate(decayed, param, grad, List.of(buffer)),
                new ParameterUpdate(decayed.withoutWeightDecay(), bias, biasGrad, List.of(biasBuffer)));
        backend.applyUpdates(0.1, 1, updates);
        backend.applyUpdates(0.1, 2, updates);
        System.out.println("sgd " + backend.read(param)[0] + " " + backend.read(buffer)[0] + " "
                + backend.read(bias)[0]);

        Tensor weights = tensor(backend, DType.F32, 1, 1);
        Tensor gradient = tensor(backend, DType.F32, 0.5f, -2);
        Tensor first = tensor(backend, DType.F32, 0, 0);
        Tensor second = tensor(backend, DType.F32, 0, 0);
        backend.applyUpdate(new UpdateRule.Adam(0.9, 0.999, 1e-8, 0, false), 0.01, 1, weights, gradient,
                List.of(first, second));
        System.out.println("adam " + Arrays.toString(backend.read(weights)) + " " + Arrays.toString(backend.read(first))
                + " " + Arrays.toString(backend.read(second)));

        Tensor scores = backend.allocate(Shape.of(2, 3), DType.F32, TensorRole.ACTIVATION);
        backend.write(scores, new float[] {0.1f, 0.9f, 0.5f, 3, 1, 2});
        System.out.println("top-2 " + Arrays.toString(backend.topK(scores, 2)));

        Tensor counters = backend.allocate(Shape.of(2), DType.I64, TensorRole.BUFFER);
        backend.fill(counters, 1L << 40);
        System.out.println("fill i64 " + Arrays.toString(backend.read(counters)));

        Tensor total = backend.allocate(Shape.of(1), DType.F64, TensorRole.SCRATCH);
        Tensor top = backend.allocate(Shape.of(4), DType.I32, TensorRole.SCRATCH);
        backend.sumOfSquares(List.of(a, b), total);
        backend.topK(scores, 2, top);
        List<double[]> queued = backend.read(List.of(total, top));
        System.out.println("queued " + Arrays.toString(queued.get(0)) + " " + Arrays.toString(queued.get(1)));

        // Logits in bf16 work: the bf16 variant of top_k, read and queued, on scores that tie once rounded.
        Tensor bf16Scores = backend.allocate(Shape.of(2, 6), DType.BF16, TensorRole.ACTIVATION);
        backend.write(bf16Scores, new double[] {1, 1.001, 0.999, 2, 2.004, -1, -3, 7, 7.01, 0, 0, 5});
        Tensor bf16Top = backend.allocate(Shape.of(6), DType.I32, TensorRole.SCRATCH);
        backend.topK(bf16Scores, 3, bf16Top);
        System.out.println("bf16 top-3 " + Arrays.toString(backend.topK(bf16Scores, 3)) + " "
                + Arrays.toString(backend.read(bf16Top)));
        backend.zero(List.of(a, b));
        System.out.println("zero " + Arrays.toString(backend.read(a)) + " " + Arrays.toString(backend.read(b))
                + " kept " + Arrays.toString(backend.read(grad)));
        backend.close();
    }
}
