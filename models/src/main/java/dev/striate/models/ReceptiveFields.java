package dev.striate.models;

import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.graph.Node;
import dev.striate.core.op.AdaptiveAvgPool2d;
import dev.striate.core.op.AvgPool2d;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.GlobalAvgPool;
import dev.striate.core.op.MaxPool2d;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * Receptive field and effective stride of every node, by the usual recurrence: a window of extent k and stride s
 * turns (r, j) into (r + (k-1)·j, j·s). Global pooling, and flattening a feature map, see the whole map; adaptive
 * pooling counts as a window of stride floor(in/out) that covers the input. Where branches meet, the larger wins.
 */
final class ReceptiveFields {
    private ReceptiveFields() {
    }

    static Map<String, ReceptiveField> of(Graph graph) {
        Map<String, ReceptiveField> fields = new HashMap<>();
        for (GraphInput input : graph.inputs()) {
            fields.put(input.name(), ReceptiveField.PIXEL);
        }
        for (Node node : graph.nodes()) {
            ReceptiveField in = node.inputs().stream().map(fields::get).reduce(ReceptiveField::union)
                    .orElse(ReceptiveField.PIXEL);
            Shape inShape = graph.shapeOf(node.inputs().getFirst());
            ReceptiveField out = switch (node.op()) {
                case Conv2d c -> window(in, c.window());
                case MaxPool2d m -> window(in, m.window());
                case AvgPool2d a -> window(in, a.window());
                case AdaptiveAvgPool2d a -> adaptive(in, inShape, a.outputHeight(), a.outputWidth());
                case GlobalAvgPool g -> adaptive(in, inShape, 1, 1);
                case Flatten f when inShape.rank() == 4 -> adaptive(in, inShape, 1, 1);
                default -> in;
            };
            fields.put(node.name(), out);
        }
        return fields;
    }

    private static ReceptiveField window(ReceptiveField in, Window2d w) {
        return in.then(w.extentH(), w.extentW(), w.strideH(), w.strideW());
    }

    private static ReceptiveField adaptive(ReceptiveField in, Shape input, int outH, int outW) {
        int strideH = Math.max(1, input.height() / outH);
        int strideW = Math.max(1, input.width() / outW);
        return in.then(Math.max(1, input.height() - (outH - 1) * strideH),
                Math.max(1, input.width() - (outW - 1) * strideW), strideH, strideW);
    }
}
