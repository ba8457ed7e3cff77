package dev.striate.cpu.kernel;

import dev.striate.core.tensor.Shape;

/** An NCHW tensor's sizes, and the flat index of one element: the layout the spatial ops read and write. */
record ImageLayout(int batch, int channels, int height, int width) {
    static ImageLayout of(Shape shape) {
        return new ImageLayout(shape.batch(), shape.channels(), shape.height(), shape.width());
    }

    /** The flat NCHW index of item n, channel c, row h, column w. */
    int index(int n, int c, int h, int w) {
        return ((n * channels + c) * height + h) * width + w;
    }

    boolean contains(int h, int w) {
        return h >= 0 && h < height && w >= 0 && w < width;
    }
}
