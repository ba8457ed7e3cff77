package dev.striate.models;

import dev.striate.core.op.Initializer;
import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * GoogLeNet's inception module as torchvision's: branch1 a 1x1 conv; branch2 a 1x1 reduction then a 3x3 conv;
 * branch3 a 1x1 reduction then a conv of {@code branch3Kernel} (3 in torchvision, 5 in the paper); branch4 a 3x3
 * max pool of stride 1 (ceil mode) then a 1x1 projection; joined on channels. Each conv is torchvision's
 * BasicConv2d (conv without bias, BN with eps 0.001, ReLU; named conv, bn, relu), or conv with bias + ReLU
 * without batch norm.
 */
record Inception(String name, String path, boolean inline, int ch1x1, int ch3x3reduce, int ch3x3, int ch5x5reduce,
                 int ch5x5, int poolProjection, int branch3Kernel, boolean batchNorm, Initializer init)
        implements BuiltinBlock {
    @Override
    public Layer expand(Shape input) {
        List<Layer> branch1 = List.of(basicConv("branch1", ch1x1, 1));
        List<Layer> branch2 = List.of(new SequentialLayer("branch2", path, List.of(
                basicConv(null, ch3x3reduce, 1), basicConv(null, ch3x3, 3)), false));
        List<Layer> branch3 = List.of(new SequentialLayer("branch3", path, List.of(
                basicConv(null, ch5x5reduce, 1), basicConv(null, ch5x5, branch3Kernel)), false));
        List<Layer> branch4 = List.of(new SequentialLayer("branch4", path, List.of(
                Layers.maxPool(null, path, 3, 1, 1, true), basicConv(null, poolProjection, 1)), false));
        return new ConcatLayer(name, path, List.of(branch1, branch2, branch3, branch4), inline);
    }

    private Layer basicConv(String convName, int out, int kernel) {
        List<Layer> layers = batchNorm
                ? List.of(Layers.conv("conv", path, out, kernel, 1, kernel / 2, 1, false, init),
                        Layers.batchNorm("bn", path, 0.001), Layers.relu("relu", path))
                : List.of(Layers.conv("conv", path, out, kernel, 1, kernel / 2, 1, true, init),
                        Layers.relu("relu", path));
        return new SequentialLayer(convName, path, layers, false);
    }
}
