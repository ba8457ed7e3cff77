package dev.striate.core.backend;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * What a kernel may prepare for at compile time, before any data: the node's name, the shapes and types of its
 * inputs, parameters (in the op's declared order, buffers included) and output, and whether the executor may run its
 * backward (false for an executor compiled for forward only: evaluation, prediction), so that a kernel prepares no
 * backward work nobody will ask for (cuDNN times every backward algorithm when it looks for the fastest).
 */
public record NodeSignature(String nodeName, List<Shape> inputShapes, List<DType> inputTypes, List<Shape> paramShapes,
                            Shape outputShape, DType outputType, boolean backward) {
    public NodeSignature {
        inputShapes = List.copyOf(inputShapes);
        inputTypes = List.copyOf(inputTypes);
        paramShapes = List.copyOf(paramShapes);
    }

    /** A node whose backward may run. */
    public NodeSignature(String nodeName, List<Shape> inputShapes, List<DType> inputTypes, List<Shape> paramShapes,
                         Shape outputShape, DType outputType) {
        this(nodeName, inputShapes, inputTypes, paramShapes, outputShape, outputType, true);
    }

    public Shape inputShape() {
        return inputShapes.getFirst();
    }
}
