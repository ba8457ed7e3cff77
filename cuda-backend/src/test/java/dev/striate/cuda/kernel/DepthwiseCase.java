package dev.striate.cuda.kernel;

import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.cudnn.ConvolutionGeometry;
import java.util.List;

/**
 * A depthwise convolution for the tests of {@link DepthwiseConvolution}: {@code channels} input channels, each giving
 * {@code multiplier} output channels through a kernelH × kernelW filter, with symmetric padding per axis.
 */
record DepthwiseCase(String name, int batch, int channels, int height, int width, int multiplier, int kernelH,
                     int kernelW, int stride, int padH, int padW, int dilation) {

    /**
     * The cases the emulation runs: 3×3 (the _3x3 kernels: strides 1, 2 and another), 5×5 and 3×1 (the general ones),
     * paddings 0, 1 and 2, dilation 2, multipliers 1 and 2, odd sizes, batches of 1 and 2.
     */
    static final DepthwiseCase[] GEOMETRIES = {
        new DepthwiseCase("3x3-s1-p1-odd", 2, 2, 7, 5, 1, 3, 3, 1, 1, 1, 1),
        new DepthwiseCase("3x3-s2-p1", 2, 2, 9, 7, 1, 3, 3, 2, 1, 1, 1),
        new DepthwiseCase("3x3-s2-m2", 2, 1, 5, 6, 2, 3, 3, 2, 1, 1, 1),
        new DepthwiseCase("3x3-s3-d2-p2", 1, 2, 11, 10, 1, 3, 3, 3, 2, 2, 2),
        new DepthwiseCase("5x5-p2-m2", 1, 1, 6, 7, 2, 5, 5, 1, 2, 2, 1),
        new DepthwiseCase("3x1-s2-p0-1-m2", 1, 1, 8, 7, 2, 3, 1, 2, 0, 1, 1),
        // N·Ho·Wo = 4232 positions: two chunks per channel in both layouts (ChannelChunks: 4096 values per chunk).
        new DepthwiseCase("3x3-chunks", 2, 1, 46, 46, 1, 3, 3, 1, 1, 1, 1),
    };

    int outChannels() {
        return channels * multiplier;
    }

    Conv2d op() {
        Window2d window = new Window2d(kernelH, kernelW, stride, stride, padH, padH, padW, padW, dilation, dilation);
        return new Conv2d(outChannels(), window, channels, false, Conv2d.TORCHVISION_INIT);
    }

    Shape input() {
        return Shape.of(batch, channels, height, width);
    }

    Shape output() {
        return op().outputShape(List.of(input()));
    }

    Shape weight() {
        return Shape.of(outChannels(), 1, kernelH, kernelW);
    }

    ConvolutionGeometry geometry() {
        Shape out = output();
        return new ConvolutionGeometry(batch, channels, height, width, outChannels(), kernelH, kernelW, padH, padW,
                stride, stride, dilation, dilation, channels, out.height(), out.width());
    }

    /** amplitude·sin(frequency·i + phase) for i < count, as {@code stored} holds them exactly (EmulationValues). */
    static double[] values(DType stored, long count, double frequency, double phase, double amplitude) {
        return EmulationValues.toDoubles(EmulationValues.storedAs(stored,
                EmulationValues.wave(count, frequency, phase, amplitude)));
    }
}
