package dev.striate.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.graph.GraphException;
import dev.striate.core.op.Add;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Relu;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The liveness of a small residual classifier, worked out by hand from what each op's backward reads (linear: its
 * input; ReLU: its output; add: nothing; cross-entropy: logits and labels). Element counts: x 6 and labels
 * 2 (graph inputs, always there), fc1, relu, fc2 and sum 8 each, logits 4, loss 1.
 */
class MemoryPlanTest {
    private static final List<String> FORWARD = List.of("fc1", "relu", "fc2", "sum", "logits", "loss");

    private static Graph graph() {
        GraphBuilder b = new GraphBuilder();
        b.input("x", Shape.of(2, 3));
        b.input("labels", Shape.of(2), DType.I32);
        b.add("fc1", Linear.of(4), "x");
        b.add("relu", new Relu(), "fc1");
        b.add("fc2", Linear.of(4), "relu");
        b.add("sum", new Add(), "relu", "fc2");
        b.add("logits", Linear.of(2), "sum");
        b.add("loss", new SoftmaxCrossEntropy(0), "logits", "labels");
        return b.build("loss", "logits");
    }

    private static final PlanRequest TRAINING = PlanRequest.backward("loss", List.of("loss", "logits"));

    @Test
    void backwardRunsEveryNodeInReverse() {
        MemoryPlan plan = MemoryPlan.of(graph(), TRAINING);
        assertEquals(6, plan.forwardSteps());
        assertEquals(12, plan.steps());
        assertEquals(FORWARD.reversed(), plan.backwardOrder().stream().map(n -> n.name()).toList());
    }

    @Test
    void eachValueLivesUntilItsLastReaderForwardOrBackward() {
        MemoryPlan plan = MemoryPlan.of(graph(), TRAINING);
        // Steps 0-5 are fc1 ... loss forward; 6-11 are loss ... fc1 backward.
        List<Set<String>> values = List.of(
                Set.of("fc1"),
                // relu's backward reads only its output, so fc1 goes once relu is made
                Set.of("relu"),
                Set.of("relu", "fc2"),
                // add reads nothing in backward, so fc2 goes once sum is made; relu stays for fc2's and relu's backward
                Set.of("relu", "sum"),
                Set.of("relu", "sum", "logits"),
                Set.of("relu", "sum", "logits", "loss"),
                Set.of("relu", "sum", "logits", "loss"),
                // logits' backward read sum, its input
                Set.of("relu", "logits", "loss"),
                Set.of("relu", "logits", "loss"),
                Set.of("relu", "logits", "loss"),
                // relu's backward read relu (its output); the kept values outlive the step
                Set.of("logits", "loss"),
                Set.of("logits", "loss"));
        List<Set<String>> gradients = List.of(
                Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(),
                // loss backward: consumed dloss, wrote dlogits
                Set.of("logits"),
                Set.of("sum"),
                // sum backward: added into drelu and dfc2
                Set.of("relu", "fc2"),
                // fc2 backward: consumed dfc2, added into drelu
                Set.of("relu"),
                Set.of("fc1"),
                Set.of());
        for (int step = 0; step < plan.steps(); step++) {
            assertEquals(values.get(step), plan.aliveAfter(step, false), "values after step " + step);
            assertEquals(gradients.get(step), plan.aliveAfter(step, true), "gradients after step " + step);
        }
    }

    @Test
    void peakIsTheFullestStepPlusTheInputs() {
        MemoryPlan plan = MemoryPlan.of(graph(), TRAINING);
        // Step 8 (sum backward): relu 8 + logits 4 + loss 1, gradients of sum, fc2 and relu 8 each; inputs 8.
        assertEquals(8 + 4 + 1 + 3 * 8 + 8, plan.peakValues());
        // Unplanned: inputs 8, every output (37) and every output's gradient (37).
        assertEquals(8 + 37 + 37, plan.unplannedValues());
    }

    @Test
    void gradientsAreBornAtTheirFirstWriterAndDieAfterTheirNodesBackward() {
        MemoryPlan plan = MemoryPlan.of(graph(), TRAINING);
        Lifetime relu = gradient(plan, "relu");
        assertEquals(8, relu.birth(), "sum's backward adds into drelu first");
        assertEquals(10, relu.death(), "relu's own backward consumes it");
        assertEquals(new Lifetime("loss", true, 1, 6, 6), gradient(plan, "loss"));
    }

    @Test
    void anInputsGradientOutlivesTheStep() {
        MemoryPlan plan = MemoryPlan.of(graph(), TRAINING, Set.of("x"));
        assertEquals(new Lifetime("x", true, 6, 11, Lifetime.END), gradient(plan, "x"));
    }

    @Test
    void forwardOnlyFreesEachValueAfterItsLastForwardReader() {
        MemoryPlan plan = MemoryPlan.of(graph(), PlanRequest.forwardOnly(List.of("logits")));
        assertEquals(6, plan.steps());
        List<Set<String>> values = List.of(Set.of("fc1"), Set.of("relu"), Set.of("relu", "fc2"), Set.of("sum"),
                Set.of("logits"), Set.of("logits"));
        for (int step = 0; step < plan.steps(); step++) {
            assertEquals(values.get(step), plan.aliveAfter(step, false), "values after step " + step);
        }
        // Step 3 (sum): relu, fc2 and sum; inputs 8.
        assertEquals(24 + 8, plan.peakValues());
        assertEquals(8 + 37, plan.unplannedValues());
    }

    @Test
    void namesThatAreNotInTheGraphAreRefused() {
        GraphException target = assertThrows(GraphException.class,
                () -> MemoryPlan.of(graph(), PlanRequest.backward("lost", List.of())));
        assertTrue(target.getMessage().contains("'lost'"), target.getMessage());
        GraphException kept = assertThrows(GraphException.class,
                () -> MemoryPlan.of(graph(), PlanRequest.forwardOnly(List.of("logit"))));
        assertTrue(kept.getMessage().contains("'logit'"), kept.getMessage());
    }

    private static Lifetime gradient(MemoryPlan plan, String name) {
        return plan.lifetimes().stream().filter(l -> l.gradient() && l.name().equals(name)).findFirst().orElseThrow();
    }
}
