package dev.striate.cuda.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.exec.PlannedExecutor;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Add;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.GlobalAvgPool;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Relu;
import dev.striate.core.tensor.Shape;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.cuda.memory.MemoryStatistics;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Training steps of a small residual network through the planned executor on a GPU: the loss and every parameter
 * gradient equal those of the plain executor on the same GPU, and after the first step the caching allocator asks the
 * driver for nothing more, although the planned executor allocates and releases every activation each step.
 */
@GpuTest
class PlannedExecutorGpuTest {
    private static final long SEED = 11;
    @RegisterExtension
    static final SharedGpuBackend GPU = new SharedGpuBackend();

    /** conv-bn-relu, conv-bn, add, relu, global pooling, linear: the shape of a ResNet basic block. */
    private static Graph graph() {
        GraphBuilder b = new GraphBuilder();
        b.input(ClassifierGraphs.IMAGES, Shape.of(4, 3, 16, 16));
        b.add("conv1", Conv2d.of(8, 3, 1, 1), ClassifierGraphs.IMAGES);
        b.add("bn1", BatchNorm.standard(), "conv1");
        b.add("relu1", new Relu(), "bn1");
        b.add("conv2", Conv2d.of(8, 3, 1, 1), "relu1");
        b.add("bn2", BatchNorm.standard(), "conv2");
        b.add("sum", new Add(), "relu1", "bn2");
        b.add("relu2", new Relu(), "sum");
        b.add("pool", new GlobalAvgPool(), "relu2");
        b.add("flatten", new Flatten(), "pool");
        b.add("fc", Linear.of(10), "flatten");
        return ClassifierGraphs.training(b.build("fc"), 0);
    }

    @Test
    void plannedStepsEqualThePlainExecutorsAndStopAllocating() {
        Graph graph = graph();
        SplittableRandom random = new SplittableRandom(SEED);
        float[] images = new float[4 * 3 * 16 * 16];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextDouble(-1, 1);
        }
        int[] labels = {1, 4, 9, 0};
        try (ParameterStore plainStore = ParameterStore.initialize(graph, GPU.backend(), SEED);
             ParameterStore plannedStore = ParameterStore.initialize(graph, GPU.backend(), SEED);
             Executor plain = GPU.backend().compile(graph, plainStore);
             Executor planned = GPU.backend().compile(graph, plannedStore, ClassifierGraphs.trainingPlan(graph))) {
            assertTrue(planned instanceof PlannedExecutor);
            MemoryStatistics afterFirstStep = null;
            for (int step = 0; step < 4; step++) {
                double expected = step(plain, plainStore, images, labels, step);
                double actual = step(planned, plannedStore, images, labels, step);
                assertEquals(expected, actual, 1e-5 * Math.abs(expected), "loss of step " + step);
                for (String name : plainStore.trainableNames()) {
                    double[] e = GPU.backend().read(plainStore.gradient(name));
                    double[] a = GPU.backend().read(plannedStore.gradient(name));
                    for (int i = 0; i < e.length; i++) {
                        assertEquals(e[i], a[i], 1e-6 + 1e-4 * Math.abs(e[i]), name + " gradient element " + i);
                    }
                }
                if (step == 0) {
                    afterFirstStep = GPU.backend().memory();
                }
            }
            assertEquals(afterFirstStep.driverAllocations(), GPU.backend().memory().driverAllocations(),
                    "planned steps reuse the blocks of the first step");
        }
    }

    private static double step(Executor executor, ParameterStore store, float[] images, int[] labels, int step) {
        executor.feed(ClassifierGraphs.IMAGES, images);
        executor.feed(ClassifierGraphs.LABELS, labels);
        executor.forward(RunContext.training(SEED, step));
        double loss = executor.read(ClassifierGraphs.LOSS)[0];
        store.zeroGradients();
        executor.backward(ClassifierGraphs.LOSS);
        return loss;
    }
}
