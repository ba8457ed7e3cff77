package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.models.ModelSpecs;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How much of a training step's activation gradients the CUDA kernels write fresh (their first writer overwrites them,
 * so the executor neither zero-fills them nor has the kernel read them back), for the benchmark models at batch 128:
 * the table of docs/performance.md. A kernel that stops writing its gradients fresh shows here as a lower share.
 */
class FreshGradientShareTest {
    @Test
    void nearlyEveryActivationGradientOfTheBenchmarkModelsIsWrittenFresh() {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "| model | activation gradients | written fresh | share | memory traffic saved per step (fp32) |%n"
                        + "| --- | ---: | ---: | ---: | ---: |%n"));
        for (String model : new String[] {"resnet50", "vgg16", "mobilenet_v2"}) {
            Graph graph = ClassifierGraphs.training(ModelSpecs.zoo(model).toGraph(128), 0);
            KernelRun run = new KernelRun(new RecordingCudaContext(Precision.FP32), graph, new RecordingCublas())
                    .writingFreshGradients();
            Set<String> fresh = run.freshGradients();
            long all = 0;
            long written = 0;
            // Every node's output gradient but the loss's (the executor writes that one); not the images'.
            for (Node node : graph.nodes()) {
                if (run.gradient(node.name()) != null && !node.name().equals(graph.output())) {
                    long values = node.shape().size();
                    all += values;
                    written += fresh.contains(node.name()) ? values : 0;
                }
            }
            double share = (double) written / all;
            // A zero-fill writes the gradient once and the first writer reads it once: 2 × 4 bytes per value.
            table.append(String.format(Locale.ROOT, "| %s | %.2f G values | %.2f G values | %.1f%% | %.1f GiB |%n",
                    model, all / 1e9, written / 1e9, 100 * share, written * 8.0 / (1L << 30)));
            assertTrue(share > 0.95, model + ": " + share);
        }
        System.out.print(table);
    }
}
