package dev.striate.models;

import dev.striate.core.op.Initializer;
import dev.striate.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * VGG's block: {@code convs} times (3x3 convolution with bias, optional batch norm, ReLU), then a 2x2 max pool of
 * stride 2. Inline by default, so that the layers of consecutive blocks are numbered in one list as torchvision's
 * {@code features} (features.0, features.1, ...).
 */
record VggBlock(String name, String path, boolean inline, int convs, int out, boolean batchNorm, Initializer init)
        implements BuiltinBlock {
    @Override
    public Layer expand(Shape input) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < convs; i++) {
            layers.add(Layers.conv(null, path, out, 3, 1, 1, 1, true, init));
            if (batchNorm) {
                layers.add(Layers.batchNorm(null, path));
            }
            layers.add(Layers.relu(null, path));
        }
        layers.add(Layers.maxPool(null, path, 2, 2, 0, false));
        return new SequentialLayer(name, path, layers, inline);
    }
}
