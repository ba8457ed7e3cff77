package dev.striate.models;

import dev.striate.core.op.Initializer;
import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * ResNet v1.5's bottleneck as torchvision's {@code Bottleneck}: 1x1 conv to the inner width + BN + ReLU, 3x3 conv
 * with the stride and groups + BN + ReLU, 1x1 conv to width·4 + BN, plus the shortcut, then ReLU. The inner width
 * is floor(width · base_width / 64) · groups, so groups 32 and base_width 4 give ResNeXt-50 32x4d.
 */
record Bottleneck(String name, String path, boolean inline, int width, int stride, int groups, int baseWidth,
                  Initializer init) implements BuiltinBlock {
    static final int EXPANSION = 4;

    @Override
    public Layer expand(Shape input) {
        int inner = (int) (width * (baseWidth / 64.0)) * groups;
        int out = width * EXPANSION;
        List<Layer> body = List.of(
                Layers.conv("conv1", path, inner, 1, 1, 1, init),
                Layers.batchNorm("bn1", path),
                Layers.relu("relu", path),
                Layers.conv("conv2", path, inner, 3, stride, groups, init),
                Layers.batchNorm("bn2", path),
                Layers.relu("relu_1", path),
                Layers.conv("conv3", path, out, 1, 1, 1, init),
                Layers.batchNorm("bn3", path));
        return new ResidualLayer(name, path, body, downsample(input, out, stride, path, init),
                Layers.relu("relu_2", path), inline);
    }

    /** torchvision's projection shortcut when the shape changes (1x1 conv with the stride, then BN), else none. */
    static List<Layer> downsample(Shape input, int out, int stride, String path, Initializer init) {
        if (stride == 1 && input.channels() == out) {
            return List.of();
        }
        return List.of(new SequentialLayer("downsample", path, List.of(
                Layers.conv(null, path, out, 1, stride, 1, init),
                Layers.batchNorm(null, path)), false));
    }
}
