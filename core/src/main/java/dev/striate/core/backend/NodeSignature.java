package dev.striate.core.backend;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * What a kernel may prepare for at compile time, before any data: the node's name, the shapes and types of its
 * inputs, parameters (in the op's declared order, buffers included) and output.
 */
public record NodeSignature(String nodeName, List<Shape> inputShapes, List<DType> inputTypes, List<Shape> paramShapes,
                            Shape outputShape, DType outputType) {
    public NodeSignature {
        inputShapes = List.copyOf(inputShapes);
        inputTypes = List.copyOf(inputTypes);
        paramShapes = List.copyOf(paramShapes);
    }

    public Shape inputShape() {
        return inputShapes.getFirst();
    }
}
