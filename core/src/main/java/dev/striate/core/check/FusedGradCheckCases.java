package dev.striate.core.check;

import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.core.op.BatchNormRelu;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.op.Op;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Gradient checks of the fused ops (a graph rewrite's batch norm + ReLU or ReLU6, batch norm + add + ReLU,
 * convolution + ReLU) over the paths of their parts: batch statistics (training), running statistics (evaluation,
 * frozen), not affine, rank 2 and 4, the ReLU6 ceiling, the residual's gradient, a convolution with and without bias.
 * Inputs are well spaced (see {@link GradientChecker}): a pre-activation within the finite-difference step of a kink
 * would show as a failure of its case (the finite difference averages the slopes on both sides), not pass unseen.
 */
final class FusedGradCheckCases {
    private static final double EPS = 1e-5;

    private FusedGradCheckCases() {
    }

    static void add(List<GradCheckCase> cases) {
        batchNormRelu(cases);
        batchNormAddRelu(cases);
        convolutionRelu(cases);
    }

    private static void batchNormRelu(List<GradCheckCase> cases) {
        BatchNorm standard = BatchNorm.standard();
        cases.add(single("ReLU, training, rank 4", Shape.of(3, 3, 4, 4), BatchNormRelu.relu(standard), true, 1));
        cases.add(single("ReLU, training, rank 2", Shape.of(5, 4), BatchNormRelu.relu(standard), true, 1));
        cases.add(single("ReLU, training, not affine", Shape.of(2, 3, 3, 3),
                BatchNormRelu.relu(new BatchNorm(EPS, 0.1, false)), true, 1));
        cases.add(single("ReLU, evaluation (running statistics)", Shape.of(2, 3, 3, 3),
                BatchNormRelu.relu(new BatchNorm(EPS, 0.5, true)), false, 1));
        cases.add(single("ReLU, frozen in training (running statistics)", Shape.of(2, 3, 3, 3),
                BatchNormRelu.relu(standard.freeze()), true, 1));
        cases.add(single("ReLU6, training, rank 4", Shape.of(2, 3, 4, 4), BatchNormRelu.relu6(standard), true, 1));
        // Frozen with its initial running statistics (0, 1) and not affine, y = clamp(x / √(1 + eps), 0, 6): inputs
        // across [-8, 8] fall on both sides of both kinks whatever the random parameters. eps 0.01 scales by 0.995,
        // so that no bf16 input (a multiple of 1/32 near 6) lands within bf16's rounding below 6 (5.984 .. 6), where
        // a bf16 backend's stored y would read 6 and gate a gradient the reference passes.
        cases.add(single("ReLU6, frozen, not affine, inputs across 0 and 6", Shape.of(2, 3, 4, 4),
                BatchNormRelu.relu6(new BatchNorm(0.01, 0.1, false).freeze()), true, 8));
        // A small momentum keeps the running variance near 1 after the checker's training pass, so x / √var reaches
        // past 6 where |γ| is large.
        cases.add(single("ReLU6, evaluation, inputs across 0 and 6", Shape.of(4, 3, 3, 3),
                BatchNormRelu.relu6(new BatchNorm(EPS, 0.01, true)), false, 8));
    }

    private static void batchNormAddRelu(List<GradCheckCase> cases) {
        BatchNormAddRelu standard = new BatchNormAddRelu(BatchNorm.standard());
        cases.add(withResidual("training, rank 4", Shape.of(2, 3, 4, 4), standard, true));
        cases.add(withResidual("training, rank 2, not affine", Shape.of(5, 4),
                new BatchNormAddRelu(new BatchNorm(EPS, 0.1, false)), true));
        cases.add(withResidual("evaluation (running statistics)", Shape.of(2, 3, 3, 3),
                new BatchNormAddRelu(new BatchNorm(EPS, 0.5, true)), false));
        cases.add(withResidual("frozen in training (running statistics)", Shape.of(2, 3, 3, 3),
                new BatchNormAddRelu(BatchNorm.standard().freeze()), true));
    }

    private static void convolutionRelu(List<GradCheckCase> cases) {
        cases.add(single("with bias, stride 1, padding 1", Shape.of(2, 3, 5, 5),
                new Conv2dRelu(Conv2d.of(4, 3, 1, 1)), true, 1));
        cases.add(single("no bias, stride 2, groups 2", Shape.of(2, 4, 5, 5), new Conv2dRelu(
                new Conv2d(4, Window2d.square(3, 2, 1), 2, false, Conv2d.TORCHVISION_INIT)), true, 1));
    }

    private static GradCheckCase single(String name, Shape input, Op op, boolean training, double inputScale) {
        return new GradCheckCase(op.typeName(), name, GradCheckSuite.singleGraph(input, op), Map.of(), training,
                inputScale);
    }

    /** Both x and the residual are graph inputs, so the check covers the residual's gradient too. */
    private static GradCheckCase withResidual(String name, Shape shape, BatchNormAddRelu op, boolean training) {
        GraphBuilder b = new GraphBuilder();
        b.input("x", shape);
        b.input("residual", shape);
        b.add(op.typeName(), op, "x", "residual");
        return new GradCheckCase(op.typeName(), name, b.build(), Map.of(), training, 1);
    }
}
