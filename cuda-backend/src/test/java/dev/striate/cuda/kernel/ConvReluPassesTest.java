package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.graph.Fusion;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.models.ModelSpecs;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What fusing each convolution with its ReLU saves in vgg16 at batch 128, the figure in docs/performance.md: with
 * bias, the unfused pair passes over y five times forward (cuDNN writes it; the bias pass reads and writes it; the
 * ReLU reads it and writes its output) and {@link Conv2dReluKernel} three times (the convolution writes y, one pass
 * adds the bias and clamps); backward is the same count both ways (the mask reads y and dy and writes g', cuDNN's
 * three backward passes read g'). So two passes over y, one read and one write, per fused convolution with bias.
 */
class ConvReluPassesTest {
    @Test
    void vgg16sFusedConvolutionsSaveTwoPassesOverTheirOutputsCountedByHand() {
        Graph fused = Fusion.fuse(ModelSpecs.zoo("vgg16").toGraph(128), Set.of());
        List<Node> pairs = fused.nodes().stream()
                .filter(n -> n.op() instanceof Conv2dRelu fusedOp && fusedOp.conv().bias()).toList();
        long values = pairs.stream().mapToLong(n -> n.shape().size()).sum();
        // torchvision's vgg16 at 224×224, per image: 2 × 64·224², 2 × 128·112², 3 × 256·56², 3 × 512·28²,
        // 3 × 512·14² = 13,547,520 values; × 128 images.
        assertEquals(13, pairs.size());
        assertEquals(13_547_520L * 128, values);
        long passes = 2 * values;
        System.out.printf(Locale.ROOT, "vgg16 batch 128: %d fused convolutions with bias, %.3f G values of y, %.2f GiB"
                + " fp32 / %.2f GiB bf16 of memory traffic saved per step%n", pairs.size(), values / 1e9,
                passes * 4.0 / (1L << 30), passes * 2.0 / (1L << 30));
    }
}
