package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * A convolution (with its bias, if any) followed by a ReLU, as one node: y = max(conv(x) + b, 0). Never written in a
 * spec: a GPU backend's graph rewrite makes it from a conv2d whose only reader is a relu (VGG's blocks), so that the
 * pass adding the bias after the convolution also clamps, instead of a separate ReLU pass over y. Its parameters are
 * the convolution's, named after the convolution's node.
 */
public record Conv2dRelu(Conv2d conv) implements Op {
    @Override
    public Shape outputShape(List<Shape> inputs) {
        return conv.outputShape(inputs);
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> inputs) {
        return conv.parameters(inputs);
    }

    @Override
    public long macs(List<Shape> inputs, Shape output) {
        return conv.macs(inputs, output);
    }

    @Override
    public List<String> warnings(List<Shape> inputs) {
        return conv.warnings(inputs);
    }
}
