package dev.striate.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.exec.MemoryPlan;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Graph;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.cpu.check.PlannedRunComparison;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Training steps of zoo models through the planned executor, on a backend that poisons released memory, equal the
 * reference executor's (loss, logits, every parameter gradient and batch-norm statistic); together they cover residual
 * adds, concat, slice, channel shuffle, dropout, batch norm in training and evaluation, and, in a small spec, LRN,
 * maxout and the other activations. AlexNet is left out: its 58M-parameter classifier would take gigabytes of heap
 * in float64; its ops are all covered here.
 */
class PlannedZooTest {
    private static final Map<String, int[]> LABELS = Map.of(ClassifierGraphs.LABELS, new int[] {3, 7});

    @ParameterizedTest(name = "{0} at {1}x{1}, training {2}")
    @CsvSource({"resnet18, 32, true", "resnet18, 32, false", "mobilenet_v2, 32, true", "googlenet, 64, true",
        "shufflenet_v2_x0_5, 64, true"})
    void plannedTrainingStepsEqualTheReferenceExecutors(String model, int size, boolean training) {
        Graph graph = trainingGraph(ModelSpecs.zoo(model).withInput(3, size, size));
        PlannedRunComparison.assertPlannedEqualsReference(graph, ClassifierGraphs.trainingPlan(graph), LABELS,
                Set.of(), training);
    }

    /** Residual fan-out (resnet18) and concat (googlenet) with kernels writing each gradient's first share whole. */
    @ParameterizedTest(name = "{0} at {1}x{1}")
    @CsvSource({"resnet18, 32", "googlenet, 64"})
    void freshGradientsGiveTheReferenceExecutorsResults(String model, int size) {
        Graph graph = trainingGraph(ModelSpecs.zoo(model).withInput(3, size, size));
        PlannedRunComparison.assertPlannedEqualsReference(graph, ClassifierGraphs.trainingPlan(graph), LABELS,
                Set.of(), true, true);
    }

    @Test
    void lrnMaxoutAndTheOtherActivationsTooInBothModes() {
        Graph graph = trainingGraph(OddOpsSpec.spec());
        for (boolean training : new boolean[] {true, false}) {
            PlannedRunComparison.assertPlannedEqualsReference(graph, ClassifierGraphs.trainingPlan(graph), LABELS,
                    Set.of(), training);
        }
    }

    @Test
    void evaluationKeepsOnlyTheLossAndLogits() {
        Graph graph = trainingGraph(ModelSpecs.zoo("resnet18").withInput(3, 32, 32));
        PlannedRunComparison.assertPlannedEqualsReference(graph, ClassifierGraphs.evaluationPlan(graph), LABELS,
                Set.of(), false);
    }

    @Test
    void resnet18sPlannedPeakIsFarBelowWhatTheReferenceExecutorHolds() {
        Graph graph = trainingGraph(ModelSpecs.zoo("resnet18").withInput(3, 224, 224));
        MemoryPlan plan = MemoryPlan.of(graph, ClassifierGraphs.trainingPlan(graph));
        assertTrue(plan.peakValues() < 0.75 * plan.unplannedValues(),
                () -> "planned " + plan.peakValues() + ", unplanned " + plan.unplannedValues());
    }

    /** Prints the table of docs/memory-planning.md: bytes alive at a training step's peak, batch 128, 224x224, fp32. */
    @Test
    void printsThePlannedPeakOfTheBenchmarkModels() {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "| model | unplanned activations + gradients | planned peak | planned / unplanned "
                        + "| parameters + gradients + momentum |%n| --- | ---: | ---: | ---: | ---: |%n"));
        for (String model : new String[] {"resnet50", "vgg16", "mobilenet_v2"}) {
            Graph graph = ClassifierGraphs.training(ModelSpecs.zoo(model).toGraph(128), 0);
            MemoryPlan plan = MemoryPlan.of(graph, ClassifierGraphs.trainingPlan(graph));
            long parameters = graph.parameters().stream().mapToLong(p -> p.spec().shape().size()
                    * (p.trainable() ? 3 : 1)).sum();
            table.append(String.format(Locale.ROOT, "| %s | %.2f GiB | %.2f GiB | %.2f | %.2f GiB |%n", model,
                    gibibytes(plan.unplannedValues()), gibibytes(plan.peakValues()),
                    (double) plan.peakValues() / plan.unplannedValues(), gibibytes(parameters)));
            assertTrue(plan.peakValues() < plan.unplannedValues(), model);
        }
        System.out.print(table);
    }

    private static double gibibytes(long values) {
        return values * (double) Float.BYTES / (1L << 30);
    }

    private static Graph trainingGraph(ModelSpec spec) {
        return ClassifierGraphs.training(spec.withClasses(10).toGraph(2), 0);
    }

    /** Forward-only plans of the same request shape as prediction keep only what is asked. */
    @Test
    void predictionKeepsOnlyTheLogProbabilities() {
        Graph graph = ClassifierGraphs.prediction(ModelSpecs.zoo("mobilenet_v2").withInput(3, 32, 32).withClasses(10)
                .toGraph(2));
        PlannedRunComparison.assertPlannedEqualsReference(graph, ClassifierGraphs.predictionPlan(), Map.of(),
                Set.of(), false);
        assertTrue(PlanRequest.forwardOnly(graph.outputs()).kept().contains(ClassifierGraphs.LOG_PROBABILITIES));
    }
}
