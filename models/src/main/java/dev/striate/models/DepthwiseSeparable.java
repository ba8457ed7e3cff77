package dev.striate.models;

import dev.striate.core.op.Initializer;
import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * MobileNet v1's depthwise separable convolution: 3x3 depthwise conv (stride) + BN + ReLU, then 1x1 pointwise
 * conv to {@code out} + BN + ReLU; convolutions without bias. Its layers are numbered 0 to 5, as an nn.Sequential.
 */
record DepthwiseSeparable(String name, String path, boolean inline, int out, int stride, Initializer init)
        implements BuiltinBlock {
    @Override
    public Layer expand(Shape input) {
        int in = input.channels();
        return new SequentialLayer(name, path, List.of(
                Layers.conv(null, path, in, 3, stride, in, init),
                Layers.batchNorm(null, path),
                Layers.relu(null, path),
                Layers.conv(null, path, out, 1, 1, 1, init),
                Layers.batchNorm(null, path),
                Layers.relu(null, path)), inline);
    }
}
