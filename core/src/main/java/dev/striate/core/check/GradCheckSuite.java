package dev.striate.core.check;

import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Add;
import dev.striate.core.op.AdaptiveAvgPool2d;
import dev.striate.core.op.AvgPool2d;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.ChannelShuffle;
import dev.striate.core.op.Concat;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Dropout;
import dev.striate.core.op.Elu;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.GlobalAvgPool;
import dev.striate.core.op.LeakyRelu;
import dev.striate.core.op.Linear;
import dev.striate.core.op.LogSoftmax;
import dev.striate.core.op.Lrn;
import dev.striate.core.op.MaxPool2d;
import dev.striate.core.op.Maxout;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Relu6;
import dev.striate.core.op.Sigmoid;
import dev.striate.core.op.SliceChannels;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.op.Tanh;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The grid of gradient checks: every op over the attributes that change its code paths (the fused ops' in
 * {@link FusedGradCheckCases}), and composite graphs (a residual block with a projection shortcut, a two-branch
 * concat, a ShuffleNet v2 unit). Sizes are small so the whole suite runs in seconds on the reference backend.
 */
public final class GradCheckSuite {
    public static final String COMPOSITE = "composite";

    private GradCheckSuite() {
    }

    public static List<GradCheckCase> cases() {
        List<GradCheckCase> cases = new ArrayList<>();
        convolution(cases);
        pooling(cases);
        normalization(cases);
        activations(cases);
        structure(cases);
        losses(cases);
        composites(cases);
        FusedGradCheckCases.add(cases);
        return cases;
    }

    private static void convolution(List<GradCheckCase> cases) {
        Shape in = Shape.of(2, 3, 5, 6);
        cases.add(single("stride 1, padding 0", in, Conv2d.of(4, 3, 1, 0)));
        cases.add(single("stride 2, padding 1", Shape.of(2, 3, 7, 7), Conv2d.of(4, 3, 2, 1)));
        cases.add(single("asymmetric padding t0 b1 l2 r1",
                in, conv(4, new Window2d(3, 3, 1, 1, 0, 1, 2, 1, 1, 1), 1, true)));
        cases.add(single("dilation 2, padding 2", Shape.of(1, 2, 7, 7), conv(3, Window2d.square(3, 1, 2).withDilation(2), 1, true)));
        cases.add(single("groups 2", Shape.of(2, 4, 5, 5), conv(6, Window2d.square(3, 1, 1), 2, true)));
        cases.add(single("depthwise (groups = channels)", Shape.of(2, 4, 5, 5), conv(4, Window2d.square(3, 2, 1), 4, false)));
        cases.add(single("depthwise with multiplier 2", Shape.of(1, 3, 5, 5), conv(6, Window2d.square(3, 1, 1), 3, true)));
        cases.add(single("no bias", in, conv(4, Window2d.square(3, 1, 1), 1, false)));
        cases.add(single("non-square kernel 2x3, stride 2x1, non-square input", Shape.of(2, 3, 6, 5),
                conv(2, new Window2d(2, 3, 2, 1, 1, 0, 1, 1, 1, 1), 1, true)));
        cases.add(single("1x1", in, Conv2d.of(5, 1, 1, 0)));
        cases.add(single("stride 3 leaves rows unread", Shape.of(1, 2, 7, 7), Conv2d.of(2, 3, 3, 0)));
    }

    private static Conv2d conv(int out, Window2d window, int groups, boolean bias) {
        return new Conv2d(out, window, groups, bias, Conv2d.TORCHVISION_INIT);
    }

    private static void pooling(List<GradCheckCase> cases) {
        Shape in = Shape.of(2, 2, 6, 6);
        cases.add(single("2x2 stride 2", in, MaxPool2d.of(2, 2, 0)));
        cases.add(single("3x3 stride 1 overlapping", in, MaxPool2d.of(3, 1, 0)));
        cases.add(single("3x3 stride 2 padding 1", in, MaxPool2d.of(3, 2, 1)));
        cases.add(single("3x3 stride 2 ceil_mode", in, new MaxPool2d(Window2d.square(3, 2, 0), true)));
        cases.add(single("3x3 stride 2 padding 1 ceil_mode", Shape.of(1, 2, 7, 7),
                new MaxPool2d(Window2d.square(3, 2, 1), true)));
        cases.add(single("2x3 kernel, dilation 2", Shape.of(1, 2, 7, 8),
                new MaxPool2d(new Window2d(2, 3, 1, 2, 0, 0, 1, 1, 2, 2), false)));
        cases.add(single("2x2 stride 2", in, AvgPool2d.of(2, 2, 0)));
        cases.add(single("3x3 stride 2 padding 1, count_include_pad", in,
                new AvgPool2d(Window2d.square(3, 2, 1), false, true)));
        cases.add(single("3x3 stride 2 padding 1, exclude pad", in,
                new AvgPool2d(Window2d.square(3, 2, 1), false, false)));
        cases.add(single("3x3 stride 2 padding 1 ceil_mode, count_include_pad", Shape.of(1, 2, 6, 6),
                new AvgPool2d(Window2d.square(3, 2, 1), true, true)));
        cases.add(single("3x3 stride 2 ceil_mode, exclude pad", Shape.of(1, 2, 6, 6),
                new AvgPool2d(Window2d.square(3, 2, 0), true, false)));
        cases.add(single("7x5 input", Shape.of(2, 3, 7, 5), new GlobalAvgPool()));
        cases.add(single("7x5 to 3x2 (overlapping windows)", Shape.of(2, 2, 7, 5), new AdaptiveAvgPool2d(3, 2)));
        cases.add(single("4x4 to 2x2", Shape.of(1, 2, 4, 4), new AdaptiveAvgPool2d(2, 2)));
        cases.add(single("3x3 to 7x7 (upsampling windows)", Shape.of(1, 1, 3, 3), new AdaptiveAvgPool2d(7, 7)));
    }

    private static void normalization(List<GradCheckCase> cases) {
        cases.add(single("training, rank 4", Shape.of(3, 3, 4, 4), BatchNorm.standard()));
        cases.add(single("training, rank 2", Shape.of(5, 4), BatchNorm.standard()));
        cases.add(single("training, not affine", Shape.of(2, 3, 3, 3), new BatchNorm(1e-5, 0.1, false)));
        cases.add(new GradCheckCase("batch_norm", "evaluation (running statistics)",
                singleGraph(Shape.of(2, 3, 3, 3), new BatchNorm(1e-5, 0.5, true)), Map.of(), false, 1));
        cases.add(new GradCheckCase("batch_norm", "frozen in training (running statistics)",
                singleGraph(Shape.of(2, 3, 3, 3), new BatchNorm(1e-5, 0.5, true).freeze()), Map.of(), true, 1));
        cases.add(single("size 5 (AlexNet)", Shape.of(2, 7, 3, 3), new Lrn(5, 1e-2, 0.75, 2.0)));
        cases.add(single("size 4, k 1, beta 0.5", Shape.of(1, 5, 3, 2), new Lrn(4, 0.3, 0.5, 1.0)));
        cases.add(single("p 0.5, training", Shape.of(2, 3, 4, 4), new Dropout(0.5)));
        cases.add(new GradCheckCase("dropout", "evaluation (identity)",
                singleGraph(Shape.of(2, 8), new Dropout(0.3)), Map.of(), false, 1));
    }

    private static void activations(List<GradCheckCase> cases) {
        Shape in = Shape.of(2, 3, 4, 4);
        cases.add(single("rank 4", in, new Relu()));
        cases.add(scaled("inputs across 0 and 6", in, new Relu6(), 8));
        cases.add(single("slope 0.1", in, new LeakyRelu(0.1)));
        cases.add(single("alpha 1", in, new Elu(1.0)));
        cases.add(scaled("alpha 0.5", Shape.of(3, 7), new Elu(0.5), 3));
        cases.add(scaled("rank 2", Shape.of(3, 7), new Sigmoid(), 4));
        cases.add(scaled("rank 4", in, new Tanh(), 2));
        cases.add(single("2 pieces, rank 4", Shape.of(2, 6, 3, 3), new Maxout(2)));
        cases.add(single("3 pieces, rank 2", Shape.of(3, 9), new Maxout(3)));
    }

    private static void structure(List<GradCheckCase> cases) {
        cases.add(single("rank 4 to rank 2", Shape.of(2, 3, 2, 4), new Flatten()));
        cases.add(single("middle channels 2..5", Shape.of(2, 6, 3, 3), new SliceChannels(2, 5)));
        cases.add(single("first half, rank 2", Shape.of(2, 6), new SliceChannels(0, 3)));
        cases.add(single("2 groups", Shape.of(2, 6, 2, 2), new ChannelShuffle(2)));
        cases.add(single("3 groups", Shape.of(1, 6, 2, 3), new ChannelShuffle(3)));
        cases.add(single("rank 2", Shape.of(3, 6), new LogSoftmax()));
        cases.add(multi("add", "two inputs", new Add(), Shape.of(2, 3, 3, 3), Shape.of(2, 3, 3, 3)));
        cases.add(multi("add", "three inputs, rank 2", new Add(), Shape.of(2, 5), Shape.of(2, 5), Shape.of(2, 5)));
        cases.add(multi("concat", "two inputs, rank 4", new Concat(), Shape.of(2, 2, 3, 3), Shape.of(2, 3, 3, 3)));
        cases.add(multi("concat", "three inputs, rank 2", new Concat(), Shape.of(2, 1), Shape.of(2, 4), Shape.of(2, 2)));
        GraphBuilder fanOut = new GraphBuilder();
        fanOut.input("x", Shape.of(2, 3, 3, 3));
        fanOut.add("sum", new Add(), "x", "x");
        cases.add(new GradCheckCase("add", "same input twice (fan-out accumulates)", fanOut.build(), Map.of(), true, 1));
        GraphBuilder linear = new GraphBuilder();
        linear.input("x", Shape.of(3, 5));
        linear.add("fc", Linear.of(4), "x");
        cases.add(new GradCheckCase("linear", "with bias", linear.build(), Map.of(), true, 1));
        GraphBuilder noBias = new GraphBuilder();
        noBias.input("x", Shape.of(2, 6));
        noBias.add("fc", new Linear(3, false, Linear.of(3).weightInit(), null), "x");
        cases.add(new GradCheckCase("linear", "without bias", noBias.build(), Map.of(), true, 1));
    }

    private static void losses(List<GradCheckCase> cases) {
        for (double smoothing : new double[] {0.0, 0.1}) {
            GraphBuilder b = new GraphBuilder();
            b.input("logits", Shape.of(4, 5));
            b.input("labels", Shape.of(4), DType.I32);
            b.add("loss", new SoftmaxCrossEntropy(smoothing), "logits", "labels");
            cases.add(new GradCheckCase("softmax_cross_entropy", "label smoothing " + smoothing, b.build(),
                    Map.of("labels", new int[] {0, 3, 4, 3}), true, 3));
        }
    }

    private static void composites(List<GradCheckCase> cases) {
        GraphBuilder res = new GraphBuilder();
        res.input("x", Shape.of(2, 3, 6, 6));
        res.add("conv1", conv(4, Window2d.square(3, 2, 1), 1, false), "x");
        res.add("bn1", BatchNorm.standard(), "conv1");
        res.add("relu1", new Relu(), "bn1");
        res.add("conv2", conv(4, Window2d.square(3, 1, 1), 1, false), "relu1");
        res.add("bn2", BatchNorm.standard(), "conv2");
        res.add("downsample.0", conv(4, Window2d.square(1, 2, 0), 1, false), "x");
        res.add("downsample.1", BatchNorm.standard(), "downsample.0");
        res.add("sum", new Add(), "bn2", "downsample.1");
        res.add("relu2", new Relu(), "sum");
        cases.add(new GradCheckCase(COMPOSITE, "residual block with projection shortcut", res.build(), Map.of(), true, 1));

        GraphBuilder branches = new GraphBuilder();
        branches.input("x", Shape.of(2, 3, 5, 5));
        branches.add("branch1", Conv2d.of(2, 1, 1, 0), "x");
        branches.add("branch2.conv", Conv2d.of(3, 3, 1, 1), "x");
        branches.add("branch2.relu", new Relu(), "branch2.conv");
        branches.add("branch3", MaxPool2d.of(3, 1, 1), "x");
        branches.add("concat", new Concat(), "branch1", "branch2.relu", "branch3");
        cases.add(new GradCheckCase(COMPOSITE, "three-branch concat (inception-like)", branches.build(), Map.of(), true, 1));

        GraphBuilder shuffle = new GraphBuilder();
        shuffle.input("x", Shape.of(2, 8, 4, 4));
        shuffle.add("split.left", new SliceChannels(0, 4), "x");
        shuffle.add("split.right", new SliceChannels(4, 8), "x");
        shuffle.add("branch2.0", conv(4, Window2d.square(1, 1, 0), 1, false), "split.right");
        shuffle.add("branch2.1", BatchNorm.standard(), "branch2.0");
        shuffle.add("branch2.2", new Relu(), "branch2.1");
        shuffle.add("branch2.3", conv(4, Window2d.square(3, 1, 1), 4, false), "branch2.2");
        shuffle.add("branch2.4", BatchNorm.standard(), "branch2.3");
        shuffle.add("branch2.5", conv(4, Window2d.square(1, 1, 0), 1, false), "branch2.4");
        shuffle.add("branch2.6", BatchNorm.standard(), "branch2.5");
        shuffle.add("branch2.7", new Relu(), "branch2.6");
        shuffle.add("concat", new Concat(), "split.left", "branch2.7");
        shuffle.add("shuffle", new ChannelShuffle(2), "concat");
        cases.add(new GradCheckCase(COMPOSITE, "ShuffleNet v2 unit (split, branch, concat, shuffle)", shuffle.build(),
                Map.of(), true, 1));

        GraphBuilder classifier = new GraphBuilder();
        classifier.input("image", Shape.of(3, 1, 6, 6));
        classifier.input("label", Shape.of(3), DType.I32);
        classifier.add("conv", Conv2d.of(4, 3, 1, 0), "image");
        classifier.add("relu", new Relu(), "conv");
        classifier.add("pool", MaxPool2d.of(2, 2, 0), "relu");
        classifier.add("flatten", new Flatten(), "pool");
        classifier.add("fc", Linear.of(3), "flatten");
        classifier.add("loss", new SoftmaxCrossEntropy(0.05), "fc", "label");
        cases.add(new GradCheckCase(COMPOSITE, "conv, pool, linear and loss (LeNet-like)", classifier.build(),
                Map.of("label", new int[] {2, 0, 1}), true, 1));
    }

    private static GradCheckCase single(String name, Shape input, Op op) {
        return scaled(name, input, op, 1);
    }

    private static GradCheckCase scaled(String name, Shape input, Op op, double scale) {
        return new GradCheckCase(op.typeName(), name, singleGraph(input, op), Map.of(), true, scale);
    }

    /** x → op, the op's node named after its type. */
    static Graph singleGraph(Shape input, Op op) {
        GraphBuilder b = new GraphBuilder();
        b.input("x", input);
        b.add(op.typeName(), op, "x");
        return b.build();
    }

    private static GradCheckCase multi(String opName, String name, Op op, Shape... inputs) {
        GraphBuilder b = new GraphBuilder();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            names.add(b.input("x" + i, inputs[i]));
        }
        b.add(opName, op, names);
        return new GradCheckCase(opName, name, b.build(), Map.of(), true, 1);
    }
}
