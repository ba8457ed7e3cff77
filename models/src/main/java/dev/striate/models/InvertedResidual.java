package dev.striate.models;

import dev.striate.core.op.Initializer;
import dev.striate.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNetV2's inverted residual as torchvision's: under {@code conv}, a 1x1 expansion to round(in·t) channels +
 * BN + ReLU6 (left out when t = 1), a 3x3 depthwise conv with the stride + BN + ReLU6, and a linear 1x1 projection
 * to {@code out} + BN; the input is added only when the stride is 1 and the channels do not change.
 */
record InvertedResidual(String name, String path, boolean inline, int out, int stride, double expansion,
                        Initializer init) implements BuiltinBlock {
    @Override
    public Layer expand(Shape input) {
        int in = input.channels();
        // Python's round() (half to even), as torchvision computes hidden_dim.
        int hidden = (int) Math.rint(in * expansion);
        List<Layer> conv = new ArrayList<>();
        if (expansion != 1) {
            conv.add(convBnRelu6(hidden, 1, 1, 1));
        }
        conv.add(convBnRelu6(hidden, 3, stride, hidden));
        conv.add(Layers.conv(null, path, out, 1, 1, 1, init));
        conv.add(Layers.batchNorm(null, path));
        List<Layer> body = List.of(new SequentialLayer("conv", path, conv, false));
        if (stride == 1 && in == out) {
            return new ResidualLayer(name, path, body, List.of(), null, inline);
        }
        return new SequentialLayer(name, path, body, inline);
    }

    /** torchvision's Conv2dNormActivation: an nn.Sequential of conv (no bias), BN and ReLU6. */
    private Layer convBnRelu6(int channels, int kernel, int convStride, int groups) {
        return new SequentialLayer(null, path, List.of(
                Layers.conv(null, path, channels, kernel, convStride, groups, init),
                Layers.batchNorm(null, path),
                Layers.relu6(null, path)), false);
    }
}
