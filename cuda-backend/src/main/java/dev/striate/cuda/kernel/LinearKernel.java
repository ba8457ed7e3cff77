package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Linear;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;

/**
 * Fully connected y = x·Wᵀ + b through cuBLAS SGEMM (see {@link Gemm} for the row-major to column-major mapping);
 * the math mode (true fp32 or TF32) is the handle's, set by the backend from the precision. The bias is broadcast
 * into y before the GEMM adds onto it; its gradient is a column sum ({@code linear.cu}).
 */
public final class LinearKernel implements Kernel<Linear> {
    private static final int WEIGHT = 0;
    private static final int BIAS = 1;

    private final CudaContext context;
    private final Launcher launcher;
    private final Pointer one = Pointer.to(new float[] {1f});
    private final Pointer zero = Pointer.to(new float[] {0f});

    public LinearKernel(CudaContext context) {
        this.context = context;
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(Linear op, ForwardCall call) {
        int batch = call.input().shape().dim(0);
        int inFeatures = call.input().shape().dim(1);
        Tensor y = call.output();
        if (op.bias()) {
            launcher.overElements("linear", "broadcast_rows", y.size(), call.params().get(BIAS), y, batch,
                    op.outFeatures());
        }
        gemm(Gemm.forward(batch, inFeatures, op.outFeatures()), call.params().get(WEIGHT), call.input(), y,
                op.bias());
        return null;
    }

    @Override
    public void backward(Linear op, BackwardCall call) {
        int batch = call.input().shape().dim(0);
        int inFeatures = call.input().shape().dim(1);
        if (call.inputGrad() != null) {
            gemm(Gemm.inputGradient(batch, inFeatures, op.outFeatures()), call.params().get(WEIGHT),
                    call.outputGrad(), call.inputGrad(), true);
        }
        Tensor weightGrad = call.paramGrads().get(WEIGHT);
        if (weightGrad != null) {
            gemm(Gemm.weightGradient(batch, inFeatures, op.outFeatures()), call.input(), call.outputGrad(),
                    weightGrad, true);
        }
        Tensor biasGrad = op.bias() ? call.paramGrads().get(BIAS) : null;
        if (biasGrad != null) {
            launcher.overElements("linear", "sum_rows_into", op.outFeatures(), call.outputGrad(), biasGrad, batch,
                    op.outFeatures());
        }
    }

    private void gemm(Gemm g, Tensor a, Tensor b, Tensor c, boolean accumulate) {
        int status = JCublas2.cublasSgemm(context.cublas(), operation(g.transposeA()), operation(g.transposeB()),
                g.m(), g.n(), g.k(), one, context.pointer(a), g.lda(), context.pointer(b), g.ldb(),
                accumulate ? one : zero, context.pointer(c), g.ldc());
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new IllegalStateException("cublasSgemm failed: " + cublasStatus.stringFor(status));
        }
    }

    private static int operation(boolean transpose) {
        return transpose ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
    }
}
