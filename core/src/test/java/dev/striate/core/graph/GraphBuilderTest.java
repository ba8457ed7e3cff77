package dev.striate.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.op.AdaptiveAvgPool2d;
import dev.striate.core.op.Add;
import dev.striate.core.op.AvgPool2d;
import dev.striate.core.op.ChannelShuffle;
import dev.striate.core.op.Concat;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Lrn;
import dev.striate.core.op.MaxPool2d;
import dev.striate.core.op.Maxout;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.op.SliceChannels;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.Shape;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * Graphs whose shapes do not fit fail while they are built, with a {@link GraphException} whose message names the
 * node, the op and the shapes; never with an index or null-pointer error.
 */
class GraphBuilderTest {
    private static final Shape IMAGE = Shape.of(2, 3, 8, 8);

    /** Adds {@code op} as node "layer" on an input of the given shape and returns the failure. */
    private static GraphException failureOf(Op op, Shape input) {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", input);
        return assertThrows(GraphException.class, () -> builder.add("layer", op, "x"));
    }

    private static void assertMentions(GraphException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    private static Conv2d conv(int outChannels, Window2d window, int groups) {
        return new Conv2d(outChannels, window, groups, true, Conv2d.TORCHVISION_INIT);
    }

    @Test
    void aValidGraphBuilds() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", IMAGE);
        builder.add("conv", Conv2d.of(4, 3, 1, 1), "x");
        builder.add("relu", new Relu(), "conv");
        Graph graph = builder.build();
        assertEquals(Shape.of(2, 4, 8, 8), graph.shapeOf("relu"));
        assertEquals(2, graph.parameters().size());
    }

    @Test
    void zeroOrNegativeInputSizes() {
        GraphBuilder builder = new GraphBuilder();
        GraphException zero = assertThrows(GraphException.class, () -> builder.input("x", Shape.of(2, 0, 8, 8)));
        assertMentions(zero, "'x'", "[2, 0, 8, 8]", "positive");
        GraphException negative = assertThrows(GraphException.class, () -> builder.input("y", Shape.of(2, 3, -1, 8)));
        assertMentions(negative, "'y'", "[2, 3, -1, 8]", "positive");
    }

    @Test
    void zeroOrNegativeOpSizes() {
        assertMentions(failureOf(Conv2d.of(0, 3, 1, 1), IMAGE), "'layer'", "conv2d", "out_channels", "0",
                "[2, 3, 8, 8]");
        assertMentions(failureOf(conv(4, Window2d.square(0, 1, 0), 1), IMAGE), "'layer'", "conv2d", "kernel",
                "0x0", "[2, 3, 8, 8]");
        assertMentions(failureOf(conv(4, Window2d.square(3, 0, 0), 1), IMAGE), "'layer'", "conv2d", "stride",
                "[2, 3, 8, 8]");
        assertMentions(failureOf(conv(4, Window2d.square(3, 1, -1), 1), IMAGE), "'layer'", "conv2d", "padding",
                "-1", "[2, 3, 8, 8]");
        assertMentions(failureOf(conv(4, Window2d.square(3, 1, 1).withDilation(0), 1), IMAGE), "'layer'",
                "conv2d", "dilation", "[2, 3, 8, 8]");
        assertMentions(failureOf(conv(4, Window2d.square(3, 1, 1), 0), IMAGE), "'layer'", "conv2d", "groups",
                "[2, 3, 8, 8]");
        assertMentions(failureOf(new AdaptiveAvgPool2d(0, 7), IMAGE), "'layer'", "adaptive_avg_pool2d",
                "output height", "[2, 3, 8, 8]");
        assertMentions(failureOf(Linear.of(-5), Shape.of(2, 10)), "'layer'", "linear", "out_features", "-5",
                "[2, 10]");
        assertMentions(failureOf(MaxPool2d.of(-2, 2, 0), IMAGE), "'layer'", "max_pool2d", "kernel",
                "[2, 3, 8, 8]");
    }

    @Test
    void kernelLargerThanThePaddedInput() {
        assertMentions(failureOf(Conv2d.of(4, 5, 1, 0), Shape.of(1, 3, 3, 3)), "'layer'", "conv2d",
                "kernel 5x5", "larger than the padded input 3x3", "[1, 3, 3, 3]");
        assertMentions(failureOf(Conv2d.of(4, 5, 1, 1), Shape.of(1, 3, 2, 2)), "'layer'", "conv2d",
                "larger than the padded input 4x4", "[1, 3, 2, 2]");
        // A dilated 3x3 kernel spans 5x5.
        assertMentions(failureOf(conv(4, Window2d.square(3, 1, 0).withDilation(2), 1), Shape.of(1, 3, 4, 9)),
                "'layer'", "conv2d", "5x5 (dilated)", "padded input 4x9", "[1, 3, 4, 9]");
        assertMentions(failureOf(MaxPool2d.of(3, 2, 0), Shape.of(1, 3, 2, 2)), "'layer'", "max_pool2d",
                "larger than the padded input", "[1, 3, 2, 2]");
        assertMentions(failureOf(AvgPool2d.of(4, 1, 0), Shape.of(1, 3, 3, 8)), "'layer'", "avg_pool2d",
                "larger than the padded input", "[1, 3, 3, 8]");
    }

    @Test
    void channelsNotDivisibleByGroups() {
        assertMentions(failureOf(conv(4, Window2d.square(3, 1, 1), 2), IMAGE), "'layer'", "conv2d",
                "input channels 3", "groups 2", "[2, 3, 8, 8]");
        assertMentions(failureOf(conv(5, Window2d.square(3, 1, 1), 3), IMAGE), "'layer'", "conv2d",
                "out_channels 5", "groups 3", "[2, 3, 8, 8]");
    }

    @Test
    void poolingPaddingOverHalfTheKernel() {
        assertMentions(failureOf(MaxPool2d.of(3, 2, 2), IMAGE), "'layer'", "max_pool2d", "half the kernel",
                "[2, 3, 8, 8]");
    }

    @Test
    void wrongRank() {
        assertMentions(failureOf(Conv2d.of(4, 3, 1, 1), Shape.of(2, 10)), "'layer'", "conv2d", "rank-4",
                "[2, 10]");
        assertMentions(failureOf(Linear.of(10), IMAGE), "'layer'", "linear", "rank-2", "flatten first",
                "[2, 3, 8, 8]");
        assertMentions(failureOf(Conv2d.of(4, 3, 1, 1), Shape.scalar()), "'layer'", "conv2d", "rank-4");
    }

    @Test
    void mismatchedShapesIntoAdd() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("a", Shape.of(2, 3, 8, 8));
        builder.input("b", Shape.of(2, 3, 4, 4));
        GraphException e = assertThrows(GraphException.class, () -> builder.add("sum", new Add(), "a", "b"));
        assertMentions(e, "'sum'", "add", "[2, 3, 8, 8]", "[2, 3, 4, 4]");
    }

    @Test
    void mismatchedShapesIntoConcat() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("a", Shape.of(2, 3, 8, 8));
        builder.input("b", Shape.of(2, 5, 4, 4));
        builder.input("flat", Shape.of(2, 5));
        GraphException spatial = assertThrows(GraphException.class,
                () -> builder.add("cat", new Concat(), "a", "b"));
        assertMentions(spatial, "'cat'", "concat", "[2, 3, 8, 8]", "[2, 5, 4, 4]");
        GraphException rank = assertThrows(GraphException.class,
                () -> builder.add("cat2", new Concat(), "a", "flat"));
        assertMentions(rank, "'cat2'", "concat", "[2, 3, 8, 8]", "[2, 5]");
    }

    @Test
    void undefinedInputName() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", IMAGE);
        GraphException e = assertThrows(GraphException.class,
                () -> builder.add("conv", Conv2d.of(4, 3, 1, 1), "image"));
        assertMentions(e, "'conv'", "conv2d", "'image'", "not defined");
    }

    @Test
    void duplicateName() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", IMAGE);
        builder.add("relu", new Relu(), "x");
        assertMentions(assertThrows(GraphException.class, () -> builder.add("relu", new Relu(), "relu")),
                "'relu'", "twice");
        assertMentions(assertThrows(GraphException.class, () -> builder.input("x", IMAGE)), "'x'", "twice");
    }

    @Test
    void wrongNumberOfInputs() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", IMAGE);
        builder.input("y", IMAGE);
        assertMentions(assertThrows(GraphException.class, () -> builder.add("sum", new Add(), "x")),
                "'sum'", "add", "at least 2", "got 1");
        assertMentions(assertThrows(GraphException.class, () -> builder.add("conv", Conv2d.of(4, 3, 1, 1), "x", "y")),
                "'conv'", "conv2d", "takes 1", "got 2");
        assertMentions(assertThrows(GraphException.class, () -> builder.add("flat", new Flatten())),
                "'flat'", "flatten", "takes 1", "got 0");
    }

    /**
     * Small random attributes (zero and negative included) on random shapes of every rank: building either
     * succeeds with positive sizes or fails with a GraphException, never with any other exception.
     */
    @Test
    void randomAttributesAndShapesFailOnlyWithAGraphException() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 3000; trial++) {
            int[] dims = new int[random.nextInt(5)];
            for (int axis = 0; axis < dims.length; axis++) {
                dims[axis] = random.nextInt(1, 7);
            }
            Op op = randomOp(random);
            GraphBuilder builder = new GraphBuilder();
            builder.input("x", Shape.of(dims));
            builder.input("y", Shape.of(2, random.nextInt(1, 4), 3, 3));
            List<String> inputs = op.maxInputs() > 1 ? List.of("x", "y") : List.of("x");
            try {
                builder.add("layer", op, inputs);
                assertTrue(builder.shapeOf("layer").allPositive(), op + " on " + Shape.of(dims));
            } catch (GraphException expected) {
                assertTrue(expected.getMessage().startsWith("node 'layer' (" + op.typeName() + ")"),
                        expected.getMessage());
            }
        }
    }

    private static Op randomOp(SplittableRandom random) {
        IntSupplier small = () -> random.nextInt(-1, 5);
        Window2d window = new Window2d(small.getAsInt(), small.getAsInt(), small.getAsInt(), small.getAsInt(),
                small.getAsInt(), small.getAsInt(), small.getAsInt(), small.getAsInt(), small.getAsInt(),
                small.getAsInt());
        return switch (random.nextInt(12)) {
            case 0 -> new Conv2d(small.getAsInt(), window, small.getAsInt(), random.nextBoolean(),
                    Conv2d.TORCHVISION_INIT);
            case 1 -> new MaxPool2d(window, random.nextBoolean());
            case 2 -> new AvgPool2d(window, random.nextBoolean(), random.nextBoolean());
            case 3 -> new AdaptiveAvgPool2d(small.getAsInt(), small.getAsInt());
            case 4 -> Linear.of(small.getAsInt());
            case 5 -> new Maxout(small.getAsInt());
            case 6 -> new SliceChannels(small.getAsInt(), small.getAsInt());
            case 7 -> new ChannelShuffle(small.getAsInt());
            case 8 -> new Lrn(small.getAsInt(), 1e-4, 0.75, 2);
            case 9 -> new Add();
            case 10 -> new Concat();
            default -> new Flatten();
        };
    }

    @Test
    void outputThatIsNotANode() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", IMAGE);
        builder.add("relu", new Relu(), "x");
        assertMentions(assertThrows(GraphException.class, () -> builder.build("logits")), "'logits'");
        assertMentions(assertThrows(GraphException.class, () -> new GraphBuilder().build()), "at least one node");
    }
}
