package dev.striate.cpu.precision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import org.junit.jupiter.api.Test;

/** What the emulation rounds, on one-node graphs worked by hand. */
class EmulatedPrecisionBackendTest {
    private static final Linear LINEAR_NO_BIAS = new Linear(1, false, Linear.of(1).weightInit(), null);

    @Test
    void bf16RoundsTheWeightOperandButKeepsTheMasterWeight() {
        // x·w = 1·(1 + 2^-9) - 1·1 = 2^-9 exactly; with w rounded to bf16 (1 + 2^-9 → 1) it is 0.
        try (OneNode node = new OneNode(Precision.BF16, LINEAR_NO_BIAS, Shape.of(1, 2))) {
            node.parameter("weight", 1 + 0x1p-9, 1);
            assertArrayEquals(new double[] {0}, node.forward(1, -1), 0);
            assertArrayEquals(new double[] {1 + 0x1p-9, 1}, node.store.read("op.weight"), 0);
        }
        try (OneNode node = new OneNode(Precision.FP32, LINEAR_NO_BIAS, Shape.of(1, 2))) {
            node.parameter("weight", 1 + 0x1p-9, 1);
            assertArrayEquals(new double[] {0x1p-9}, node.forward(1, -1), 0);
        }
    }

    @Test
    void tf32RoundsOperandsToTenBitsAndStoresFloat() {
        // Four terms 1·(1 + 2^-12): exact 4 + 2^-10; TF32 operands make each weight 1.
        try (OneNode node = new OneNode(Precision.TF32, LINEAR_NO_BIAS, Shape.of(1, 4))) {
            node.parameter("weight", 1 + 0x1p-12, 1 + 0x1p-12, 1 + 0x1p-12, 1 + 0x1p-12);
            assertArrayEquals(new double[] {4}, node.forward(1, 1, 1, 1), 0);
        }
    }

    @Test
    void bf16ConvolutionWeightGradientGoesThroughABf16TemporaryAndLinearsDoesNot() {
        // dL/dw = Σ dy·x = 1·1 + 1·2^-9 = 1 + 2^-9: cuDNN's bf16 result rounds it to 1; cuBLAS's fp32 one keeps it.
        Conv2d conv = new Conv2d(1, Window2d.square(1, 1, 0), 1, false, Conv2d.TORCHVISION_INIT);
        try (OneNode node = new OneNode(Precision.BF16, conv, Shape.of(1, 1, 1, 2))) {
            node.parameter("weight", 1);
            node.forward(1, 0x1p-9);
            assertArrayEquals(new double[] {1}, node.parameterGradient("weight", 1, 1), 0);
        }
        try (OneNode node = new OneNode(Precision.BF16, LINEAR_NO_BIAS, Shape.of(2, 1))) {
            node.parameter("weight", 1);
            node.forward(1, 0x1p-9);
            assertArrayEquals(new double[] {1 + 0x1p-9}, node.parameterGradient("weight", 1, 1), 0);
        }
    }

    @Test
    void bf16ConvolutionFusedWithItsReluRoundsTheProductThenAddsTheBiasThenClamps() {
        // w = 1 + 2^-9 is 1 as a bf16 operand, so the products are x; + b = -1 gives 0, -2, 2; clamped 0, 0, 2.
        // Unrounded operands would give 2^-9 for the first; clamping before the bias would leave -1 for the second.
        Conv2dRelu fused = new Conv2dRelu(new Conv2d(1, Window2d.square(1, 1, 0), 1, true, Conv2d.TORCHVISION_INIT));
        try (OneNode node = new OneNode(Precision.BF16, fused, Shape.of(1, 1, 1, 3))) {
            node.parameter("weight", 1 + 0x1p-9);
            node.parameter("bias", -1);
            assertArrayEquals(new double[] {0, 0, 2}, node.forward(1, -1, 3), 0);
        }
    }

    @Test
    void bf16StoresActivationsAndGradientsInBf16AndTheInputIsConverted() {
        // relu(1 + 2^-10) stores 1; its input gradient 1 + 2^-10 stores 1 as well.
        try (OneNode node = new OneNode(Precision.BF16, new Relu(), Shape.of(2))) {
            assertArrayEquals(new double[] {1, 0}, node.forward(1 + 0x1p-10, -3), 0);
            assertArrayEquals(new double[] {1, 0}, node.inputGradient(1 + 0x1p-10, 5), 0);
        }
        try (OneNode node = new OneNode(Precision.TF32, new Relu(), Shape.of(2))) {
            assertArrayEquals(new double[] {1 + 0x1p-10, 0}, node.forward(1 + 0x1p-10, -3), 0);
        }
    }

    @Test
    void bf16KeepsEveryFloatValueInBf16ButTheLoss() {
        try (EmulatedPrecisionBackend bf16 = EmulatedPrecisionBackend.of(Precision.BF16);
             EmulatedPrecisionBackend tf32 = EmulatedPrecisionBackend.of(Precision.TF32)) {
            assertEquals(DType.BF16, bf16.storedType(DType.F32, new Relu()));
            assertEquals(DType.BF16, bf16.storedType(DType.F32, null));
            assertEquals(DType.F32, bf16.storedType(DType.F32, new SoftmaxCrossEntropy(0)));
            assertEquals(DType.I32, bf16.storedType(DType.I32, null));
            assertEquals(DType.F32, tf32.storedType(DType.F32, new Relu()));
        }
    }

    /** One op on input x, node "op", on an emulated backend; training mode. */
    private static final class OneNode implements AutoCloseable {
        final EmulatedPrecisionBackend backend;
        final ParameterStore store;
        final Executor executor;

        OneNode(Precision precision, Op op, Shape input) {
            backend = EmulatedPrecisionBackend.of(precision);
            GraphBuilder builder = new GraphBuilder();
            builder.input("x", input);
            builder.add("op", op, "x");
            Graph graph = builder.build();
            store = ParameterStore.initialize(graph, backend, 1);
            executor = backend.compile(graph, store);
            executor.requireInputGradient("x");
        }

        void parameter(String suffix, double... values) {
            store.write("op." + suffix, values);
        }

        double[] forward(double... input) {
            executor.feed("x", input);
            executor.forward(RunContext.training(1, 0));
            return executor.read("op");
        }

        double[] inputGradient(double... outputGradient) {
            store.zeroGradients();
            executor.backward("op", outputGradient);
            return executor.inputGradient("x");
        }

        double[] parameterGradient(String suffix, double... outputGradient) {
            store.zeroGradients();
            executor.backward("op", outputGradient);
            return backend.read(store.gradient("op." + suffix));
        }

        @Override
        public void close() {
            executor.close();
            store.close();
            backend.close();
        }
    }
}
