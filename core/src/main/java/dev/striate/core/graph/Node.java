package dev.striate.core.graph;

import dev.striate.core.op.Op;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * One op applied to named inputs (graph inputs or earlier nodes), with its inferred output shape, its parameters
 * (named {@code <parameterOwner>.<suffix>}) and warnings found while building. The parameter owner is the node itself,
 * except for a fused node, whose parameters keep the names they had on the node it replaced (a batch norm's within
 * a batch norm + ReLU), so that checkpoints and the parameter store know them as before.
 */
public record Node(String name, Op op, List<String> inputs, Shape shape, DType dtype, List<Parameter> parameters,
                   List<String> warnings, String parameterOwner) {
    public Node {
        inputs = List.copyOf(inputs);
        parameters = List.copyOf(parameters);
        warnings = List.copyOf(warnings);
    }

    public long macs(List<Shape> inputShapes) {
        return op.macs(inputShapes, shape);
    }
}
