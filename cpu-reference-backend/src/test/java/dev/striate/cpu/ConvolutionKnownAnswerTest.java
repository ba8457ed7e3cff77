package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Initializer;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** conv2d against answers worked out by hand (the course's examples) and against the textbook backward rule. */
class ConvolutionKnownAnswerTest {
    private static final double TOLERANCE = 1e-12;

    private static Conv2d conv(int outChannels, Window2d window, int groups, boolean bias) {
        return new Conv2d(outChannels, window, groups, bias, new Initializer.Constant(0));
    }

    /** A kh x kw window with stride 1, no padding, no dilation. */
    private static Window2d plain(int kernelH, int kernelW) {
        return new Window2d(kernelH, kernelW, 1, 1, 0, 0, 0, 0, 1, 1);
    }

    @Test
    void fourByFourCorrelatedWithThreeByThree() {
        try (OneNodeGraph g = new OneNodeGraph(conv(1, plain(3, 3), 1, false), Shape.of(1, 1, 4, 4))) {
            g.parameter("weight",
                    1, 4, 1,
                    1, 4, 3,
                    3, 3, 1);
            double[] y = g.forward(
                    4, 5, 8, 7,
                    1, 8, 8, 8,
                    3, 6, 6, 4,
                    6, 5, 7, 8);
            assertEquals(Shape.of(1, 1, 2, 2), g.outputShape());
            assertArrayEquals(new double[] {122, 148, 126, 134}, y, TOLERANCE);
        }
    }

    @Test
    void signalCorrelatedWithDifferenceKernelFindsTheRamp() {
        try (OneNodeGraph g = new OneNodeGraph(conv(1, plain(1, 2), 1, false), Shape.of(1, 1, 1, 11))) {
            g.parameter("weight", -1, 1);
            double[] y = g.forward(0, 0, 0, 0, 1, 2, 3, 4, 4, 4, 4);
            assertEquals(Shape.of(1, 1, 1, 10), g.outputShape());
            assertArrayEquals(new double[] {0, 0, 0, 1, 1, 1, 1, 0, 0, 0}, y, TOLERANCE);
        }
    }

    @Test
    void zeroPaddingOnEverySide() {
        // An all-ones 3x3 kernel with padding 1 sums each cell's neighbourhood.
        try (OneNodeGraph g = new OneNodeGraph(conv(1, Window2d.square(3, 1, 1), 1, false), Shape.of(1, 1, 3, 3))) {
            g.parameter("weight", 1, 1, 1, 1, 1, 1, 1, 1, 1);
            double[] y = g.forward(1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertArrayEquals(new double[] {12, 21, 16, 27, 45, 33, 24, 39, 28}, y, TOLERANCE);
        }
    }

    @Test
    void asymmetricPaddingPadsOnlyTheNamedSide() {
        Window2d left = new Window2d(1, 2, 1, 1, 0, 0, 1, 0, 1, 1);
        try (OneNodeGraph g = new OneNodeGraph(conv(1, left, 1, false), Shape.of(1, 1, 1, 3))) {
            g.parameter("weight", 1, 10);
            // Reads (0, 1, 2, 3).
            assertArrayEquals(new double[] {10, 21, 32}, g.forward(1, 2, 3), TOLERANCE);
        }
        Window2d right = new Window2d(1, 2, 1, 1, 0, 0, 0, 1, 1, 1);
        try (OneNodeGraph g = new OneNodeGraph(conv(1, right, 1, false), Shape.of(1, 1, 1, 3))) {
            g.parameter("weight", 1, 10);
            // Reads (1, 2, 3, 0).
            assertArrayEquals(new double[] {21, 32, 3}, g.forward(1, 2, 3), TOLERANCE);
        }
        Window2d top = new Window2d(2, 1, 1, 1, 1, 0, 0, 0, 1, 1);
        try (OneNodeGraph g = new OneNodeGraph(conv(1, top, 1, false), Shape.of(1, 1, 2, 1))) {
            g.parameter("weight", 1, 10);
            // Reads the column (0, 1, 2).
            assertArrayEquals(new double[] {10, 21}, g.forward(1, 2), TOLERANCE);
        }
    }

    @Test
    void strideSkipsPositions() {
        try (OneNodeGraph g = new OneNodeGraph(conv(1, new Window2d(1, 2, 1, 2, 0, 0, 0, 0, 1, 1), 1, false),
                Shape.of(1, 1, 1, 5))) {
            g.parameter("weight", 1, 1);
            assertArrayEquals(new double[] {3, 7}, g.forward(1, 2, 3, 4, 5), TOLERANCE);
        }
    }

    @Test
    void dilationSpreadsTheTaps() {
        try (OneNodeGraph g = new OneNodeGraph(conv(1, new Window2d(1, 2, 1, 1, 0, 0, 0, 0, 1, 2), 1, false),
                Shape.of(1, 1, 1, 5))) {
            g.parameter("weight", 1, 1);
            // y[i] = x[i] + x[i + 2]
            assertArrayEquals(new double[] {4, 6, 8}, g.forward(1, 2, 3, 4, 5), TOLERANCE);
        }
    }

    @Test
    void groupsReadOnlyTheirOwnChannels() {
        // 4 input channels in 2 groups: output 0 reads channels 0 and 1, output 1 reads channels 2 and 3.
        try (OneNodeGraph g = new OneNodeGraph(conv(2, plain(1, 1), 2, true), Shape.of(1, 4, 1, 1))) {
            g.parameter("weight", 1, 10, 100, 1000);
            g.parameter("bias", 0.5, -0.5);
            assertArrayEquals(new double[] {21.5, 4299.5}, g.forward(1, 2, 3, 4), TOLERANCE);
        }
    }

    @Test
    void depthwiseWithChannelMultiplier() {
        // groups = 2 input channels, 4 outputs: outputs 0 and 1 read channel 0, outputs 2 and 3 read channel 1.
        try (OneNodeGraph g = new OneNodeGraph(conv(4, plain(1, 1), 2, false), Shape.of(1, 2, 1, 2))) {
            g.parameter("weight", 1, 2, 3, 4);
            double[] y = g.forward(5, 6, 7, 8);
            assertArrayEquals(new double[] {5, 6, 10, 12, 21, 24, 28, 32}, y, TOLERANCE);
            // dL/dx of channel 0 gathers outputs 0 and 1: dy·(1 + 2); channel 1: dy·(3 + 4).
            assertArrayEquals(new double[] {3, 3, 7, 7}, g.inputGradient(1, 1, 1, 1, 1, 1, 1, 1), TOLERANCE);
        }
    }

    @Test
    void biasGradientSumsTheOutputGradientPerChannel() {
        try (OneNodeGraph g = new OneNodeGraph(conv(2, plain(1, 1), 1, true), Shape.of(2, 1, 1, 2))) {
            g.parameter("weight", 1, 1);
            g.forward(1, 2, 3, 4);
            double[] dy = {1, 2, 3, 4, 5, 6, 7, 8};
            assertArrayEquals(new double[] {1 + 2 + 5 + 6, 3 + 4 + 7 + 8}, g.parameterGradient("bias", dy),
                    TOLERANCE);
        }
    }

    /**
     * The backward rule of the textbook: dL/dx[c] = Σ_o full correlation of dL/dy[o], zero-padded by the kernel's
     * size minus one, with w[o, c] rotated by 180 degrees; and dL/dw[o, c] = valid correlation of x[c] with
     * dL/dy[o]. The expected values come from loops over 2-D arrays written here, not from the kernel.
     */
    @Test
    void backwardIsTheFullCorrelationWithTheRotatedKernel() {
        int channels = 2;
        int outChannels = 3;
        int height = 5;
        int width = 6;
        int kernelH = 3;
        int kernelW = 2;
        int outH = height - kernelH + 1;
        int outW = width - kernelW + 1;
        SplittableRandom random = new SplittableRandom(7);
        double[][][] x = randomArray(channels, height, width, random);
        double[][][][] w = new double[outChannels][][][];
        for (int o = 0; o < outChannels; o++) {
            w[o] = randomArray(channels, kernelH, kernelW, random);
        }
        double[][][] dy = randomArray(outChannels, outH, outW, random);

        double[][][] expectedDx = new double[channels][height][width];
        for (int o = 0; o < outChannels; o++) {
            double[][] padded = new double[outH + 2 * (kernelH - 1)][outW + 2 * (kernelW - 1)];
            for (int p = 0; p < outH; p++) {
                for (int q = 0; q < outW; q++) {
                    padded[p + kernelH - 1][q + kernelW - 1] = dy[o][p][q];
                }
            }
            for (int c = 0; c < channels; c++) {
                double[][] rotated = new double[kernelH][kernelW];
                for (int a = 0; a < kernelH; a++) {
                    for (int b = 0; b < kernelW; b++) {
                        rotated[a][b] = w[o][c][kernelH - 1 - a][kernelW - 1 - b];
                    }
                }
                for (int h = 0; h < height; h++) {
                    for (int v = 0; v < width; v++) {
                        for (int a = 0; a < kernelH; a++) {
                            for (int b = 0; b < kernelW; b++) {
                                expectedDx[c][h][v] += padded[h + a][v + b] * rotated[a][b];
                            }
                        }
                    }
                }
            }
        }
        double[][][][] expectedDw = new double[outChannels][channels][kernelH][kernelW];
        for (int o = 0; o < outChannels; o++) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < kernelH; i++) {
                    for (int j = 0; j < kernelW; j++) {
                        for (int p = 0; p < outH; p++) {
                            for (int q = 0; q < outW; q++) {
                                expectedDw[o][c][i][j] += x[c][p + i][q + j] * dy[o][p][q];
                            }
                        }
                    }
                }
            }
        }

        try (OneNodeGraph g = new OneNodeGraph(conv(outChannels, plain(kernelH, kernelW), 1, false),
                Shape.of(1, channels, height, width))) {
            g.parameter("weight", flatten(w));
            g.forward(flatten(x));
            assertArrayEquals(flatten(expectedDx), g.inputGradient(flatten(dy)), TOLERANCE);
            assertArrayEquals(flatten(expectedDw), g.parameterGradient("weight", flatten(dy)), TOLERANCE);
        }
    }

    private static double[][][] randomArray(int a, int b, int c, SplittableRandom random) {
        double[][][] values = new double[a][b][c];
        for (double[][] plane : values) {
            for (double[] row : plane) {
                for (int k = 0; k < row.length; k++) {
                    row[k] = random.nextDouble(-1, 1);
                }
            }
        }
        return values;
    }

    /** The elements of a nested double array in row-major (NCHW) order. */
    private static double[] flatten(Object array) {
        if (array instanceof double[] row) {
            return row;
        }
        return Arrays.stream((Object[]) array).flatMapToDouble(part -> Arrays.stream(flatten(part))).toArray();
    }
}
