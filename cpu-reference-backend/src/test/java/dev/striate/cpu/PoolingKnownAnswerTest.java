package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.op.AdaptiveAvgPool2d;
import dev.striate.core.op.AvgPool2d;
import dev.striate.core.op.GlobalAvgPool;
import dev.striate.core.op.MaxPool2d;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The pooling ops on small inputs whose answers are written out by hand, following PyTorch's rules. */
class PoolingKnownAnswerTest {
    private static final double TOLERANCE = 1e-12;
    private static final Shape FOUR_BY_FOUR = Shape.of(1, 1, 4, 4);

    private static final double[] HAND_WRITTEN = {
        1, 3, 2, 4,
        5, 6, 8, 7,
        9, 2, 1, 0,
        3, 4, 6, 5};

    /** 1 .. 16 in row-major order. */
    private static final double[] ONE_TO_SIXTEEN = {
        1, 2, 3, 4,
        5, 6, 7, 8,
        9, 10, 11, 12,
        13, 14, 15, 16};

    private static double[] negated(double[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = -values[i];
        }
        return result;
    }

    private static double[] ones(int count) {
        double[] result = new double[count];
        Arrays.fill(result, 1);
        return result;
    }

    @Test
    void maxPoolTwoByTwoTakesTheLargestAndSendsTheGradientThere() {
        try (OneNodeGraph g = new OneNodeGraph(MaxPool2d.of(2, 2, 0), FOUR_BY_FOUR)) {
            assertArrayEquals(new double[] {6, 8, 9, 6}, g.forward(HAND_WRITTEN), TOLERANCE);
            assertArrayEquals(new double[] {
                0, 0, 0, 0,
                0, 1, 2, 0,
                3, 0, 0, 0,
                0, 0, 4, 0}, g.inputGradient(1, 2, 3, 4), TOLERANCE);
        }
    }

    @Test
    void maxPoolPaddingNeverWinsEvenOverNegativeInputs() {
        try (OneNodeGraph g = new OneNodeGraph(MaxPool2d.of(3, 2, 1), FOUR_BY_FOUR)) {
            assertArrayEquals(new double[] {-1, -2, -5, -6}, g.forward(negated(ONE_TO_SIXTEEN)), TOLERANCE);
        }
    }

    @Test
    void maxPoolTieSendsTheGradientToTheFirstMaximumInScanOrder() {
        try (OneNodeGraph g = new OneNodeGraph(MaxPool2d.of(2, 2, 0), Shape.of(1, 1, 2, 2))) {
            assertArrayEquals(new double[] {7}, g.forward(7, 7, 7, 7), TOLERANCE);
            assertArrayEquals(new double[] {5, 0, 0, 0}, g.inputGradient(5), TOLERANCE);
        }
        // Overlapping windows over equal values: each window's first cell wins.
        try (OneNodeGraph g = new OneNodeGraph(new MaxPool2d(new Window2d(1, 2, 1, 1, 0, 0, 0, 0, 1, 1), false),
                Shape.of(1, 1, 1, 3))) {
            g.forward(5, 5, 5);
            assertArrayEquals(new double[] {1, 2, 0}, g.inputGradient(1, 2), TOLERANCE);
        }
    }

    @Test
    void maxPoolWithDilationReadsEverySecondCell() {
        Window2d dilated = new Window2d(2, 2, 1, 1, 0, 0, 0, 0, 2, 2);
        try (OneNodeGraph g = new OneNodeGraph(new MaxPool2d(dilated, false), FOUR_BY_FOUR)) {
            assertArrayEquals(new double[] {9, 4, 8, 7}, g.forward(HAND_WRITTEN), TOLERANCE);
        }
    }

    @Test
    void maxPoolCeilModeKeepsThePartialLastWindow() {
        try (OneNodeGraph g = new OneNodeGraph(new MaxPool2d(Window2d.square(3, 2, 0), true), FOUR_BY_FOUR)) {
            assertEquals(Shape.of(1, 1, 2, 2), g.outputShape());
            assertArrayEquals(new double[] {9, 8, 9, 6}, g.forward(HAND_WRITTEN), TOLERANCE);
        }
    }

    @Test
    void avgPoolTwoByTwoAveragesAndSharesTheGradient() {
        try (OneNodeGraph g = new OneNodeGraph(AvgPool2d.of(2, 2, 0), FOUR_BY_FOUR)) {
            assertArrayEquals(new double[] {3.5, 5.5, 11.5, 13.5}, g.forward(ONE_TO_SIXTEEN), TOLERANCE);
            assertArrayEquals(new double[] {
                0.25, 0.25, 0.5, 0.5,
                0.25, 0.25, 0.5, 0.5,
                0.75, 0.75, 1, 1,
                0.75, 0.75, 1, 1}, g.inputGradient(1, 2, 3, 4), TOLERANCE);
        }
    }

    @Test
    void avgPoolCountIncludePadDividesPaddedCornersByTheWholeWindow() {
        AvgPool2d includePad = new AvgPool2d(Window2d.square(3, 2, 1), false, true);
        try (OneNodeGraph g = new OneNodeGraph(includePad, FOUR_BY_FOUR)) {
            assertArrayEquals(new double[] {14.0 / 9, 30.0 / 9, 57.0 / 9, 99.0 / 9}, g.forward(ONE_TO_SIXTEEN),
                    TOLERANCE);
        }
        AvgPool2d excludePad = new AvgPool2d(Window2d.square(3, 2, 1), false, false);
        try (OneNodeGraph g = new OneNodeGraph(excludePad, FOUR_BY_FOUR)) {
            assertArrayEquals(new double[] {14.0 / 4, 30.0 / 6, 57.0 / 6, 99.0 / 9}, g.forward(ONE_TO_SIXTEEN),
                    TOLERANCE);
        }
    }

    @Test
    void avgPoolCeilModeDoesNotCountCellsBeyondThePadding() {
        // 3x3 windows at stride 2 with padding 1 on 4x4: ceil mode adds a third row and column of windows that
        // start at input row/column 3 and end one cell past the padding; that cell is never counted.
        AvgPool2d includePad = new AvgPool2d(Window2d.square(3, 2, 1), true, true);
        try (OneNodeGraph g = new OneNodeGraph(includePad, FOUR_BY_FOUR)) {
            assertEquals(Shape.of(1, 1, 3, 3), g.outputShape());
            assertArrayEquals(new double[] {
                14.0 / 9, 30.0 / 9, 12.0 / 6,
                57.0 / 9, 99.0 / 9, 36.0 / 6,
                27.0 / 6, 45.0 / 6, 16.0 / 4}, g.forward(ONE_TO_SIXTEEN), TOLERANCE);
            double[] dx = g.inputGradient(ones(9));
            assertEquals(1.0 / 9, dx[0], TOLERANCE);
            assertEquals(1.0 / 9 + 1.0 / 6 + 1.0 / 6 + 1.0 / 4, dx[15], TOLERANCE);
        }
        AvgPool2d excludePad = new AvgPool2d(Window2d.square(3, 2, 1), true, false);
        try (OneNodeGraph g = new OneNodeGraph(excludePad, FOUR_BY_FOUR)) {
            assertArrayEquals(new double[] {
                14.0 / 4, 30.0 / 6, 12.0 / 2,
                57.0 / 6, 99.0 / 9, 36.0 / 3,
                27.0 / 2, 45.0 / 3, 16.0 / 1}, g.forward(ONE_TO_SIXTEEN), TOLERANCE);
            double[] dx = g.inputGradient(ones(9));
            assertEquals(1.0 / 4, dx[0], TOLERANCE);
            assertEquals(1.0 / 9 + 1.0 / 3 + 1.0 / 3 + 1, dx[15], TOLERANCE);
        }
    }

    @Test
    void avgPoolCeilModeWithoutPaddingDividesByTheInputCellsEitherWay() {
        for (boolean countIncludePad : new boolean[] {true, false}) {
            AvgPool2d pool = new AvgPool2d(Window2d.square(3, 2, 0), true, countIncludePad);
            try (OneNodeGraph g = new OneNodeGraph(pool, FOUR_BY_FOUR)) {
                assertArrayEquals(new double[] {54.0 / 9, 45.0 / 6, 72.0 / 6, 54.0 / 4}, g.forward(ONE_TO_SIXTEEN),
                        TOLERANCE, "count_include_pad " + countIncludePad);
            }
        }
    }

    @Test
    void globalAvgPoolAveragesEachChannel() {
        try (OneNodeGraph g = new OneNodeGraph(new GlobalAvgPool(), Shape.of(1, 2, 2, 3))) {
            assertArrayEquals(new double[] {3.5, 9.5}, g.forward(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), TOLERANCE);
            assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2}, g.inputGradient(6, 12), TOLERANCE);
        }
    }

    @Test
    void adaptiveAvgPoolUsesPyTorchsOverlappingWindows() {
        // 5 to 3: windows [0, 2), [1, 4), [3, 5).
        try (OneNodeGraph g = new OneNodeGraph(new AdaptiveAvgPool2d(1, 3), Shape.of(1, 1, 1, 5))) {
            assertArrayEquals(new double[] {1.5, 3, 4.5}, g.forward(1, 2, 3, 4, 5), TOLERANCE);
            assertArrayEquals(new double[] {0.5, 0.5 + 1.0 / 3, 1.0 / 3, 1.0 / 3 + 0.5, 0.5}, g.inputGradient(1, 1, 1),
                    TOLERANCE);
        }
        // 3 to 7: windows [0, 1), [0, 1), [0, 2), [1, 2), [1, 3), [2, 3), [2, 3).
        try (OneNodeGraph g = new OneNodeGraph(new AdaptiveAvgPool2d(1, 7), Shape.of(1, 1, 1, 3))) {
            assertArrayEquals(new double[] {1, 1, 1.5, 2, 2.5, 3, 3}, g.forward(1, 2, 3), TOLERANCE);
        }
        // 4x4 to 2x2 is 2x2 average pooling.
        try (OneNodeGraph g = new OneNodeGraph(new AdaptiveAvgPool2d(2, 2), FOUR_BY_FOUR)) {
            assertArrayEquals(new double[] {3.5, 5.5, 11.5, 13.5}, g.forward(ONE_TO_SIXTEEN), TOLERANCE);
        }
    }
}
