package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * 2-D cross-correlation of an NCHW input with {@code outChannels} filters of shape
 * [in/groups, kh, kw]; groups == in channels == out channels is a depthwise convolution.
 * Parameters: {@code weight} [out, in/groups, kh, kw] and, with bias, {@code bias} [out].
 */
public record Conv2d(int outChannels, Window2d window, int groups, boolean bias, Initializer weightInit)
        implements Op {

    /** torchvision's conv initialization: Kaiming normal, fan-out, ReLU gain. */
    public static final Initializer TORCHVISION_INIT = new Initializer.KaimingNormal(true);

    public static Conv2d of(int outChannels, int kernel, int stride, int padding) {
        return new Conv2d(outChannels, Window2d.square(kernel, stride, padding), 1, true, TORCHVISION_INIT);
    }

    public Conv2d withBias(boolean newBias) {
        return new Conv2d(outChannels, window, groups, newBias, weightInit);
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = Shapes.requireRank(inputs.getFirst(), 4, "N, C, H, W");
        Shapes.requirePositive(outChannels, "out_channels");
        Shapes.requirePositive(groups, "groups");
        if (in.channels() % groups != 0) {
            throw new ShapeException("input channels " + in.channels() + " are not divisible by groups " + groups);
        }
        if (outChannels % groups != 0) {
            throw new ShapeException("out_channels " + outChannels + " are not divisible by groups " + groups);
        }
        int[] hw = window.outputSpatial(in, false);
        return Shape.of(in.batch(), outChannels, hw[0], hw[1]);
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> inputs) {
        int inPerGroup = inputs.getFirst().channels() / groups;
        Shape weightShape = Shape.of(outChannels, inPerGroup, window.kernelH(), window.kernelW());
        List<ParamSpec> specs = new ArrayList<>();
        specs.add(ParamSpec.weight("weight", weightShape, weightInit));
        if (bias) {
            specs.add(ParamSpec.weight("bias", Shape.of(outChannels), new Initializer.Constant(0)));
        }
        return specs;
    }

    @Override
    public long macs(List<Shape> inputs, Shape output) {
        long perOutput = (long) (inputs.getFirst().channels() / groups) * window.kernelH() * window.kernelW();
        return output.size() * perOutput;
    }

    @Override
    public List<String> warnings(List<Shape> inputs) {
        return window.unreadWarnings(inputs.getFirst(), false);
    }
}
