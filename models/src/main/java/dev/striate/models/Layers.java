package dev.striate.models;

import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Initializer;
import dev.striate.core.op.MaxPool2d;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Relu6;
import dev.striate.core.op.Window2d;

/** Short constructors for the op layers that built-in blocks are made of. */
final class Layers {
    private Layers() {
    }

    /** A square convolution with symmetric padding and no dilation. */
    static OpLayer conv(String name, String path, int out, int kernel, int stride, int padding, int groups,
                        boolean bias, Initializer init) {
        return new OpLayer(name, path,
                new Conv2d(out, Window2d.square(kernel, stride, padding), groups, bias, init));
    }

    /** A convolution without bias and with "same" padding for odd kernels, as ResNet's and MobileNet's. */
    static OpLayer conv(String name, String path, int out, int kernel, int stride, int groups, Initializer init) {
        return conv(name, path, out, kernel, stride, kernel / 2, groups, false, init);
    }

    static OpLayer batchNorm(String name, String path) {
        return new OpLayer(name, path, BatchNorm.standard());
    }

    static OpLayer batchNorm(String name, String path, double eps) {
        return new OpLayer(name, path, new BatchNorm(eps, 0.1, true));
    }

    static OpLayer relu(String name, String path) {
        return new OpLayer(name, path, new Relu());
    }

    static OpLayer relu6(String name, String path) {
        return new OpLayer(name, path, new Relu6());
    }

    static OpLayer maxPool(String name, String path, int kernel, int stride, int padding, boolean ceilMode) {
        return new OpLayer(name, path, new MaxPool2d(Window2d.square(kernel, stride, padding), ceilMode));
    }
}
