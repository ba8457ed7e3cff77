package dev.striate.core.op;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * One kind of operation in a graph. Each permitted record holds the op's attributes, infers its output shape,
 * declares its parameters and counts its multiply-accumulates. {@code Op.class.getPermittedSubclasses()} is the
 * single list of all ops: tests iterate it, so an op without a reference kernel or a gradient check fails a test.
 */
public sealed interface Op permits Conv2d, MaxPool2d, AvgPool2d, GlobalAvgPool, AdaptiveAvgPool2d, Linear,
        BatchNorm, Lrn, Dropout, Relu, Relu6, LeakyRelu, Elu, Sigmoid, Tanh, Maxout, Add, Concat, SliceChannels,
        ChannelShuffle, Flatten, LogSoftmax, SoftmaxCrossEntropy, Conv2dRelu, BatchNormRelu, BatchNormAddRelu {

    /** The snake_case name used in specs, reports and kernel error messages. */
    default String typeName() {
        return OpNames.of(getClass());
    }

    /** The output shape for these input shapes; throws {@link ShapeException} when they do not fit. */
    Shape outputShape(List<Shape> inputs);

    default int minInputs() {
        return 1;
    }

    default int maxInputs() {
        return 1;
    }

    /** Parameters and buffers, in the order kernels receive them. */
    default List<ParamSpec> parameters(List<Shape> inputs) {
        return List.of();
    }

    /** Multiply-accumulates of one forward pass (conv and linear; zero for the rest). */
    default long macs(List<Shape> inputs, Shape output) {
        return 0;
    }

    /** Things that are legal but probably not meant, such as input rows no window reads. */
    default List<String> warnings(List<Shape> inputs) {
        return List.of();
    }

    default DType outputDType(List<DType> inputs) {
        return inputs.getFirst();
    }

    /** Input positions that never receive a gradient (labels). */
    default boolean isDifferentiable(int inputIndex) {
        return true;
    }

    /** The snake_case name of an op class. */
    static String typeNameOf(Class<? extends Op> opClass) {
        return OpNames.of(opClass);
    }
}
