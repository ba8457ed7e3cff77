package dev.striate.core.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.tensor.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Output sizes floor((W - F + 2P) / S) + 1 as shape inference in the graph builder computes them, on layers whose
 * sizes are known from the papers and from PyTorch, and the warning for input rows no window reads.
 */
class OutputSizeTest {
    private static Shape outputOf(Op op, Shape input) {
        return graphOf(op, input).shapeOf("layer");
    }

    private static Graph graphOf(Op op, Shape input) {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", input);
        builder.add("layer", op, "x");
        return builder.build();
    }

    @Test
    void alexNetsFirstLayerOn227Gives55() {
        Graph graph = graphOf(new Conv2d(96, Window2d.square(11, 4, 0), 1, true, Conv2d.TORCHVISION_INIT),
                Shape.of(1, 3, 227, 227));
        assertEquals(Shape.of(1, 96, 55, 55), graph.shapeOf("layer"));
        assertEquals(Map.of(), graph.warnings(), "(227 - 11) / 4 is exact: every row is read");
    }

    @Test
    void torchvisionAlexNetOn224WithPadding2AlsoGives55() {
        assertEquals(Shape.of(1, 64, 55, 55), outputOf(Conv2d.of(64, 11, 4, 2), Shape.of(1, 3, 224, 224)));
    }

    @Test
    void threeByThreeAtStride3On7x7Gives2x2AndWarnsThatTheLastRowAndColumnAreUnread() {
        Graph graph = graphOf(Conv2d.of(1, 3, 3, 0), Shape.of(1, 1, 7, 7));
        assertEquals(Shape.of(1, 1, 2, 2), graph.shapeOf("layer"));
        List<String> warnings = graph.node("layer").warnings();
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("rows 6 are never read"), warnings.get(0));
        assertTrue(warnings.get(1).contains("columns 6 are never read"), warnings.get(1));
        assertEquals(List.of("layer"), List.copyOf(graph.warnings().keySet()));
    }

    @Test
    void oneByOneAtStride2SkipsEveryOtherRowByDesignWithoutAWarning() {
        // ResNet's downsampling on 56x56: windows read rows 0, 2, ..., 54; row 55 is skipped like rows 1, 3, ...
        Graph graph = graphOf(Conv2d.of(1, 1, 2, 0), Shape.of(1, 1, 56, 56));
        assertEquals(Shape.of(1, 1, 28, 28), graph.shapeOf("layer"));
        assertEquals(List.of(), graph.node("layer").warnings());
    }

    @Test
    void oneByOneAtStride3WarnsWhenMoreTrailingRowsAreSkippedThanBetweenWindows() {
        // On 6x6: windows read rows 0 and 3; rows 4 and 5 are two, the gap between windows is two: by design.
        assertEquals(List.of(), graphOf(Conv2d.of(1, 1, 3, 0), Shape.of(1, 1, 6, 6)).node("layer").warnings());
        // On 9x9 with a 2x2 window at stride 4: windows read rows 0-1 and 4-5; rows 6..8 are three, the gap two.
        List<String> warnings = graphOf(Conv2d.of(1, 2, 4, 0), Shape.of(1, 1, 9, 9)).node("layer").warnings();
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("rows 6..8 are never read"), warnings.get(0));
    }

    @Test
    void resNetStemHalvesTwice() {
        assertEquals(Shape.of(1, 64, 112, 112), outputOf(Conv2d.of(64, 7, 2, 3), Shape.of(1, 3, 224, 224)));
        assertEquals(Shape.of(1, 64, 56, 56), outputOf(MaxPool2d.of(3, 2, 1), Shape.of(1, 64, 112, 112)));
    }

    @Test
    void dilationWidensTheKernel() {
        // A 3x3 kernel with dilation 2 spans 5x5.
        assertEquals(Shape.of(1, 1, 3, 3),
                outputOf(new Conv2d(1, Window2d.square(3, 1, 0).withDilation(2), 1, true, Conv2d.TORCHVISION_INIT),
                        Shape.of(1, 1, 7, 7)));
    }

    @Test
    void ceilModeRoundsUpAsPyTorchDoes() {
        MaxPool2d floor = new MaxPool2d(Window2d.square(3, 2, 0), false);
        MaxPool2d ceil = new MaxPool2d(Window2d.square(3, 2, 0), true);
        assertEquals(Shape.of(1, 1, 2, 2), outputOf(floor, Shape.of(1, 1, 6, 6)));
        assertEquals(Shape.of(1, 1, 3, 3), outputOf(ceil, Shape.of(1, 1, 6, 6)));
        // GoogLeNet's first pool: 112 to 56 in ceil mode (55 in floor mode).
        assertEquals(Shape.of(1, 64, 55, 55), outputOf(floor, Shape.of(1, 64, 112, 112)));
        assertEquals(Shape.of(1, 64, 56, 56), outputOf(ceil, Shape.of(1, 64, 112, 112)));
        assertEquals(Shape.of(1, 1, 4, 4),
                outputOf(new MaxPool2d(Window2d.square(3, 2, 1), true), Shape.of(1, 1, 7, 7)));
        assertEquals(Shape.of(1, 1, 3, 3),
                outputOf(new AvgPool2d(Window2d.square(3, 2, 1), true, true), Shape.of(1, 1, 4, 4)));
    }

    @Test
    void ceilModeDropsAWindowThatWouldStartInTheTrailingPadding() {
        // 2x2 stride 2 padding 1 on 3: rounding up gives 3 windows, but the third would start at padded index 4,
        // inside the bottom padding, so PyTorch keeps 2.
        assertEquals(Shape.of(1, 1, 2, 2),
                outputOf(new MaxPool2d(Window2d.square(2, 2, 1), true), Shape.of(1, 1, 3, 3)));
    }
}
