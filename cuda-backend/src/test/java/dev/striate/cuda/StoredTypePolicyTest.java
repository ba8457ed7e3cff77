package dev.striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.Precision;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Relu;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.tensor.DType;
import org.junit.jupiter.api.Test;

/** Which values the CUDA backend keeps in bf16: float activations and inputs in bf16 work, never the loss or labels. */
class StoredTypePolicyTest {
    @Test
    void bf16WorkNarrowsFloatValuesExceptTheLoss() {
        assertEquals(DType.BF16, CudaBackend.storedType(Precision.BF16, DType.F32, null), "a graph input");
        assertEquals(DType.BF16, CudaBackend.storedType(Precision.BF16, DType.F32, new Relu()));
        assertEquals(DType.BF16, CudaBackend.storedType(Precision.BF16, DType.F32, Conv2d.of(4, 3, 1, 1)));
        assertEquals(DType.F32, CudaBackend.storedType(Precision.BF16, DType.F32, new SoftmaxCrossEntropy(0)));
        assertEquals(DType.I32, CudaBackend.storedType(Precision.BF16, DType.I32, null), "labels");
    }

    @Test
    void fp32AndTf32KeepTheDeclaredType() {
        for (Precision precision : new Precision[] {Precision.FP32, Precision.TF32}) {
            assertEquals(DType.F32, CudaBackend.storedType(precision, DType.F32, new Relu()));
            assertEquals(DType.F32, CudaBackend.storedType(precision, DType.F32, null));
            assertEquals(DType.I32, CudaBackend.storedType(precision, DType.I32, null));
        }
    }
}
