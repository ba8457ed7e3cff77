package dev.striate.core.op;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;

/**
 * A parameter or buffer an op declares. The suffix follows torchvision's state_dict names
 * ({@code weight}, {@code bias}, {@code running_mean}); the graph prefixes it with the node's name.
 * Buffers ({@code trainable == false}) are state, not parameters: they get no gradient and are not counted.
 */
public record ParamSpec(String suffix, Shape shape, DType dtype, Initializer initializer, boolean trainable) {
    public static ParamSpec weight(String suffix, Shape shape, Initializer initializer) {
        return new ParamSpec(suffix, shape, DType.F32, initializer, true);
    }

    public static ParamSpec buffer(String suffix, Shape shape, DType dtype, double initialValue) {
        return new ParamSpec(suffix, shape, dtype, new Initializer.Constant(initialValue), false);
    }
}
