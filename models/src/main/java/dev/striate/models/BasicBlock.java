package dev.striate.models;

import dev.striate.core.op.Initializer;
import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * ResNet's basic block as torchvision's {@code BasicBlock}: 3x3 conv (stride) + BN + ReLU, 3x3 conv + BN, plus the
 * input, then ReLU. When the stride is not 1 or the channels change, the shortcut is {@code downsample}: a 1x1
 * convolution with the stride and a BN. Node names follow torchvision (conv1, bn1, conv2, bn2, downsample.0, ...);
 * the second use of its ReLU module is {@code relu_1}, as torch.fx names repeated calls.
 */
record BasicBlock(String name, String path, boolean inline, int width, int stride, Initializer init)
        implements BuiltinBlock {
    @Override
    public Layer expand(Shape input) {
        List<Layer> body = List.of(
                Layers.conv("conv1", path, width, 3, stride, 1, init),
                Layers.batchNorm("bn1", path),
                Layers.relu("relu", path),
                Layers.conv("conv2", path, width, 3, 1, 1, init),
                Layers.batchNorm("bn2", path));
        return new ResidualLayer(name, path, body, Bottleneck.downsample(input, width, stride, path, init),
                Layers.relu("relu_1", path), inline);
    }
}
