package dev.striate.models;

import dev.striate.core.tensor.Shape;

/**
 * A block of the library (ResNet's bottleneck, MobileNetV2's inverted residual, ...). It expands into sequential,
 * residual and concat layers once the shape of its input is known, because what it builds depends on the input's
 * channels (a projection shortcut, a depthwise convolution's groups).
 */
sealed interface BuiltinBlock extends Layer
        permits VggBlock, BasicBlock, Bottleneck, DepthwiseSeparable, InvertedResidual, Inception {
    /** The layers this block stands for, with this block's name, path and inline flag. */
    Layer expand(Shape input);
}
