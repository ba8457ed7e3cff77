package dev.striate.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Relu;
import dev.striate.core.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The estimate counts the activations of a planned step, worked out by hand for input [2, 3] → fc1 (linear, 4) → relu
 * → fc2 (linear, 2), to which training adds labels [2] and a loss: the graph inputs hold 6 + 2 values, fc1 and relu 8
 * each, fc2 4, the loss 1; the parameters are 3·4 + 4 + 4·2 + 2 = 26.
 */
class MemoryEstimateTest {
    private static Graph model() {
        GraphBuilder b = new GraphBuilder();
        b.input(ClassifierGraphs.IMAGES, Shape.of(2, 3));
        b.add("fc1", Linear.of(4), ClassifierGraphs.IMAGES);
        b.add("relu", new Relu(), "fc1");
        b.add("fc2", Linear.of(2), "relu");
        return b.build("fc2");
    }

    @Test
    void trainingCountsThePeakOfThePlannedStep() {
        MemoryEstimate estimate = MemoryEstimate.training(model(), 1);
        // Parameters with their gradients and one moment each.
        assertEquals(3 * 26, estimate.parameterValues());
        // The fullest step is relu's backward: relu 8 (its backward reads only its output, so fc1 went after relu's
        // forward), fc2 4 and the loss 1 (kept), the gradients of relu (being consumed) and fc1 (being written) 8
        // each; plus the inputs 8.
        assertEquals(13 + 16 + 8, estimate.activationValues());
    }

    @Test
    void aBackendWithASpareCopyOfTheInputsCountsThemTwice() {
        MemoryEstimate estimate = MemoryEstimate.training(model(), 1);
        // The inputs, images [2, 3] and labels [2], are 8 values; a GPU holds each input twice (current and spare).
        assertEquals(8, estimate.inputValues());
        assertEquals(37, estimate.activationValues(1));
        assertEquals(37 + 8, estimate.activationValues(2));
        // Parameters 78 and activations 45, 4 bytes each.
        assertEquals((78 + 45) * 4, estimate.bytes(4, 4, 2));
        assertEquals((78 + 37) * 8, estimate.bytes(8, 8, 1));
    }

    @Test
    void bf16ActivationsTakeTwoBytesBesideFp32InputsAndTheirConvertedCopy() {
        MemoryEstimate estimate = MemoryEstimate.training(model(), 1);
        // Node values and gradients 37 - 8 = 29 at 2 bytes; inputs 8 at 4 bytes in 2 copies; the converted copy of
        // the inputs 8 at 2 bytes; parameters 78 at 4 bytes.
        assertEquals(29 * 2 + 8 * 4 * 2 + 8 * 2, estimate.activationBytes(4, 2, 2));
        assertEquals(78 * 4 + 29 * 2 + 8 * 4 * 2 + 8 * 2, estimate.bytes(4, 2, 2));
    }

    @Test
    void evaluationCountsThePeakOfAForwardPass() {
        MemoryEstimate estimate = MemoryEstimate.inference(ClassifierGraphs.training(model(), 0));
        assertEquals(26, estimate.parameterValues());
        // relu's forward: fc1 8 and relu 8 alive; plus the inputs 8.
        assertEquals(16 + 8, estimate.activationValues());
    }
}
