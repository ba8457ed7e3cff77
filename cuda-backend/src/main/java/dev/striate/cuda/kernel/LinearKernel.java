package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.Linear;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import jcuda.cudaDataType;
import jcuda.jcublas.cublasComputeType;
import jcuda.jcublas.cublasGemmAlgo;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;

/**
 * Fully connected y = x·Wᵀ + b on cuBLAS (see {@link Gemm} for the row-major to column-major mapping). The bias is
 * broadcast into y before the GEMM adds onto it; its gradient is a column sum ({@code linear.cu}).
 *
 * <p>Float activations go through SGEMM, whose math (true fp32 or TF32) is the handle's, set by the backend from the
 * precision. bf16 activations go through GemmEx with float accumulation ({@code CUBLAS_COMPUTE_32F}, float alpha
 * and beta): x, dy and the node's {@link Bf16WeightCopy} of the float weight are its bf16 operands (cast once per
 * step: forward casts the weight into the copy, backward reads the copy this step's forward made); y and dx are
 * written as bf16; the weight gradient is accumulated straight into the float master gradient (C of type float, beta
 * 1), one of the type combinations cuBLAS documents for GemmEx with {@code CUBLAS_COMPUTE_32F}.
 */
public final class LinearKernel implements Kernel<Linear> {
    private static final int WEIGHT = 0;
    private static final int BIAS = 1;

    private final CudaContext context;
    private final CublasCalls cublas;
    private final Launcher launcher;

    public LinearKernel(CudaContext context) {
        this(context, new JCublasCalls(context));
    }

    /** With the cuBLAS calls given (a recording in tests). */
    LinearKernel(CudaContext context, CublasCalls cublas) {
        this.context = context;
        this.cublas = cublas;
        this.launcher = new Launcher(context);
    }

    /** In bf16 work the node's bf16 weight copy, closed with the executor; null in float work. */
    @Override
    public Object prepare(Linear op, NodeSignature signature) {
        if (signature.outputType() != DType.BF16) {
            return null;
        }
        return new Bf16WeightCopy(context, launcher, signature.paramShapes().get(WEIGHT));
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
        Tensor weight = call.prepared() instanceof Bf16WeightCopy copy ? copy.castFrom(call.params().get(WEIGHT))
                : call.params().get(WEIGHT);
        gemm(Gemm.forward(batch, inFeatures, op.outFeatures()), weight, call.input(), y, op.bias());
        return null;
    }

    @Override
    public void backward(Linear op, BackwardCall call) {
        int batch = call.input().shape().dim(0);
        int inFeatures = call.input().shape().dim(1);
        if (call.inputGrad() != null) {
            // Cast once per step: backward reads the copy this step's forward made.
            Tensor weight = call.prepared() instanceof Bf16WeightCopy copy ? copy.fromThisStepsForward()
                    : call.params().get(WEIGHT);
            gemm(Gemm.inputGradient(batch, inFeatures, op.outFeatures()), weight, call.outputGrad(),
                    call.inputGrad(), !call.fresh(0));
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

    /** dx is written whole by its GEMM when fresh (beta 0: cuBLAS does not read C then). */
    @Override
    public boolean writesFreshInputGradient(Linear op, int position) {
        return true;
    }

    /** C = op(A)·op(B) (+ C when accumulating): SGEMM when A and B are float, else GemmEx with float compute. */
    private void gemm(Gemm g, Tensor a, Tensor b, Tensor c, boolean accumulate) {
        float beta = accumulate ? 1f : 0f;
        int transA = operation(g.transposeA());
        int transB = operation(g.transposeB());
        int status;
        String call;
        if (a.dtype() == DType.F32 && b.dtype() == DType.F32) {
            call = "cublasSgemm";
            status = cublas.sgemm(transA, transB, g.m(), g.n(), g.k(), 1f, a, g.lda(), b, g.ldb(), beta, c, g.ldc());
        } else {
            call = "cublasGemmEx";
            status = cublas.gemmEx(transA, transB, g.m(), g.n(), g.k(), 1f, a, dataType(a), g.lda(), b, dataType(b),
                    g.ldb(), beta, c, dataType(c), g.ldc(), cublasComputeType.CUBLAS_COMPUTE_32F,
                    cublasGemmAlgo.CUBLAS_GEMM_DEFAULT);
        }
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new IllegalStateException(call + " failed: " + cublasStatus.stringFor(status));
        }
    }

    /** cuBLAS's {@code cudaDataType_t} of a tensor: {@code CUDA_R_32F} or {@code CUDA_R_16BF}. */
    private static int dataType(Tensor tensor) {
        return switch (tensor.dtype()) {
            case F32 -> cudaDataType.CUDA_R_32F;
            case BF16 -> cudaDataType.CUDA_R_16BF;
            default -> throw new IllegalArgumentException("cuBLAS is given F32 or BF16 matrices, not "
                    + tensor.dtype());
        };
    }

    private static int operation(boolean transpose) {
        return transpose ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
    }
}
