package dev.striate.core.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.graph.GraphException;
import dev.striate.core.tensor.Shape;
import org.junit.jupiter.api.Test;

/** Sizes near and past the int range are computed exactly, and any that does not fit is an error, not a wrap. */
class ShapeOverflowTest {
    private static final int MAX = Integer.MAX_VALUE;

    private static String error(Op op, Shape input) {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", input);
        GraphException e = assertThrows(GraphException.class, () -> builder.add("layer", op, "x"));
        return e.getMessage();
    }

    @Test
    void paddingOfIntMaxIsAnErrorNotAWrappedSize() {
        // 8 + 2·(2^31 - 1) - 3 + 1 = 4294967300 rows: more than an int.
        String message = error(Conv2d.of(2, 3, 1, MAX), Shape.of(1, 1, 8, 8));
        assertTrue(message.contains("node 'layer' (conv2d): output height 4294967300 is more than a dimension can hold"),
                message);
    }

    @Test
    void hugePaddingWithAStrideThatBringsItBackIsExact() {
        // (8 + 2·(2^31 - 1) - 3) / (2^31 - 1) + 1 = 3 exactly, computed without overflow.
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", Shape.of(1, 1, 8, 8));
        builder.add("layer", new Conv2d(2, Window2d.square(3, MAX, MAX), 1, true, Conv2d.TORCHVISION_INIT), "x");
        assertEquals(Shape.of(1, 2, 3, 3), builder.shapeOf("layer"));
    }

    @Test
    void hugeDilationIsComparedExactlyWithTheInput() {
        // The dilated extent 2^31·2 + 1 would wrap to a negative int and pass the "kernel fits" check.
        String message = error(new Conv2d(2, Window2d.square(3, 1, 0).withDilation(1 << 30), 1, true,
                Conv2d.TORCHVISION_INIT), Shape.of(1, 1, 8, 8));
        assertTrue(message.contains("kernel 2147483649x2147483649 (dilated) is larger than the padded input 8x8"),
                message);
    }

    @Test
    void anInputOfMoreValuesThanATensorHoldsIsRefused() {
        GraphException e = assertThrows(GraphException.class,
                () -> new GraphBuilder().input("x", Shape.of(1, 1, 46341, 46341)));
        assertTrue(e.getMessage().contains("[1, 1, 46341, 46341] has 2147488281 values, more than one tensor can hold"),
                e.getMessage());
    }

    @Test
    void aShapeWhoseSizeOverflowsALongSaturates() {
        Shape huge = Shape.of(MAX, MAX, MAX, MAX);
        assertEquals(Long.MAX_VALUE, huge.size());
        assertEquals(Long.MAX_VALUE, huge.sizePerItem());
        assertEquals((long) MAX * MAX, Shape.of(MAX, MAX).size());
    }

    @Test
    void aParameterTooLargeForATensorIsNamed() {
        // 65536 x 65536 weights = 2^32 values.
        String message = error(Linear.of(65536), Shape.of(1, 65536));
        assertTrue(message.contains("the parameter 'weight' [65536, 65536] has 4294967296 values"), message);
    }

    @Test
    void concatenatedChannelsAreCountedInALong() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("a", Shape.of(1, MAX / 2 + 1));
        builder.input("b", Shape.of(1, MAX / 2 + 1));
        GraphException e = assertThrows(GraphException.class, () -> builder.add("cat", new Concat(), "a", "b"));
        assertTrue(e.getMessage().contains("the joined channels 2147483648 are more than a dimension can hold"),
                e.getMessage());
    }
}
