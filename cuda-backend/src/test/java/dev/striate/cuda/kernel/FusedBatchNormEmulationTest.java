package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.backend.RunContext;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batch norm + add + ReLU kernels computed on the host (g++) with hand-worked answers, for what the
 * gradient-check cases do not reach: the residual's gradient wanted without x's, x read as both inputs (one gradient
 * tensor written by both shares), and bf16's one rounding of bn(x) + residual. In fp32, bf16 and channels-last bf16
 * (x [1, 2, 1, 2]: N 1, C 2, S 2, so the two layouts differ); every value here is exact in bf16 and float, so results
 * are compared within 1e-6. Every tensor starts as NaN unless given, so a pass that reads what it should only write,
 * or writes a gradient not wanted, fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FusedBatchNormEmulationTest {
    private static final double TOLERANCE = 1e-6;
    private static final Shape SHAPE = Shape.of(1, 2, 1, 2);
    /** Running mean 0 and variance 0.75 with eps 0.25: 1/√(var + eps) = 1, so x̂ = x in evaluation. */
    private static final BatchNorm EVALUATED = new BatchNorm(0.25, 0.1, true);
    private static final double[] RUNNING_MEAN = {0, 0};
    private static final double[] RUNNING_VAR = {0.75, 0.75};
    private static final double[] X = {1, -2, 3, 0.5};
    private static final double[] DY = {0.5, 0.25, 2, -1};
    private static final double[] GAMMA = {1, 1};

    private final HostProgram program = new HostProgram();
    private Map<String, double[]> emulated;

    @BeforeAll
    void emulate(@TempDir Path folder) throws Exception {
        assumeTrue(HostProgram.gppAvailable(), "skipped: no g++ on the PATH to build the host emulation with");
        for (Work work : Work.values()) {
            residualGradientWithoutDx(work);
            residualGradientAloneInTraining(work);
            sameInputTwice(work);
        }
        emulated = program.buildAndRun(folder);
    }

    /**
     * Evaluation, x = 1 -2 | 3 0.5, β = 1/256, residual = 1/256 1 | -4 1/256: y = max(x + β + residual, 0) =
     * 1.0078125 0 | 0 0.5078125. Backward with x's gradient not wanted, the residual's (10 before) added into, dγ (1)
     * and dβ (2) wanted: g = dy·[y > 0] = 0.5 0 | 0 -1.
     */
    private void residualGradientWithoutDx(Work work) {
        NodeRun node = addRelu(work, EVALUATED);
        node.run(RunContext.evaluation(), List.of(false, true), List.of(false, false), true);
        Map<Tensor, double[]> initial = undefined(node.context);
        initial.put(node.x, X);
        initial.put(node.inputs.get(1), new double[] {1.0 / 256, 1, -4, 1.0 / 256});
        initial.put(node.dy, DY);
        initial.put(node.dx, new double[] {7, 7, 7, 7});
        initial.put(node.inputGrads.get(1), new double[] {10, 10, 10, 10});
        initial.put(node.params.get(0), GAMMA);
        initial.put(node.params.get(1), new double[] {1.0 / 256, 1.0 / 256});
        initial.put(node.params.get(2), RUNNING_MEAN);
        initial.put(node.params.get(3), RUNNING_VAR);
        initial.put(node.paramGrads.get(0), new double[] {1, 1});
        initial.put(node.paramGrads.get(1), new double[] {2, 2});
        Map<String, Tensor> printed = new LinkedHashMap<>();
        printed.put(work + "_without_dx y", node.y);
        printed.put(work + "_without_dx dx", node.dx);
        printed.put(work + "_without_dx dresidual", node.inputGrads.get(1));
        printed.put(work + "_without_dx dgamma", node.paramGrads.get(0));
        printed.put(work + "_without_dx dbeta", node.paramGrads.get(1));
        program.scenario(node.context.device(), initial, node.context.launches(), printed);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FP32", "BF16", "BF16_NHWC"})
    void theResidualsGradientWithoutXs(String work) {
        // bf16 rounds x + β + residual once: 1 + 2/256 = 129/128 is a bf16 value, while x + β = 1 + 1/256 alone would
        // round (a tie) to 1 and the sum with the residual again to 1.
        assertClose(new double[] {1.0078125, 0, 0, 0.5078125}, work + "_without_dx y");
        assertClose(new double[] {7, 7, 7, 7}, work + "_without_dx dx");
        assertClose(new double[] {10.5, 10, 10, 9}, work + "_without_dx dresidual");
        // dγ += Σ g·x̂ (x̂ = x): 0.5·1, then -1·0.5; dβ += Σ g.
        assertClose(new double[] {1.5, 0.5}, work + "_without_dx dgamma");
        assertClose(new double[] {2.5, 1}, work + "_without_dx dbeta");
    }

    /**
     * Training, x = 1 3 | -2 2 (batch means 2 and 0, variances 1 and 4: x̂ = -1 1 | -1 1 but for eps), γ 1, β 0,
     * residual 0.5 0.5 | -2 0.25: y = 0 1.5 | 0 1.25 (about). Only the residual's gradient wanted, fresh (it starts as
     * NaN and must be written whole): g = dy·[y > 0] = 0 5 | 0 -9 for dy = 3 5 | 7 -9.
     */
    private void residualGradientAloneInTraining(Work work) {
        NodeRun node = addRelu(work, new BatchNorm(1e-5, 0.1, true));
        node.run(RunContext.training(1, 1), List.of(false, true), List.of(false, true), false);
        Map<Tensor, double[]> initial = undefined(node.context);
        initial.put(node.x, new double[] {1, 3, -2, 2});
        initial.put(node.inputs.get(1), new double[] {0.5, 0.5, -2, 0.25});
        initial.put(node.dy, new double[] {3, 5, 7, -9});
        initial.put(node.params.get(0), GAMMA);
        initial.put(node.params.get(1), new double[] {0, 0});
        initial.put(node.params.get(2), RUNNING_MEAN);
        initial.put(node.params.get(3), RUNNING_VAR);
        initial.put(node.params.get(4), new double[] {0});
        program.scenario(node.context.device(), initial, node.context.launches(),
                Map.of(work + "_alone dresidual", node.inputGrads.get(1)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FP32", "BF16", "BF16_NHWC"})
    void theResidualsGradientAloneIsWrittenWhole(String work) {
        assertClose(new double[] {0, 5, 0, -9}, work + "_alone dresidual");
    }

    /**
     * x read as both inputs (y = max(bn(x) + x, 0)), so one gradient tensor takes both shares and neither is fresh.
     * Evaluation as above with β = 0: y = max(2x, 0), g = dy·[x > 0] = 0.5 0 | 2 -1, and x's gradient (0.25 before)
     * gets γ·g from the batch norm and g from the residual: 0.25 + 2g.
     */
    private void sameInputTwice(Work work) {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", SHAPE);
        builder.add("block", new BatchNormAddRelu(EVALUATED), "x", "x");
        RecordingCudaContext context = new RecordingCudaContext(work.precision(), work.layout());
        KernelRun run = new KernelRun(context, builder.build()).writingFreshGradients();
        run.run(RunContext.evaluation());
        Map<Tensor, double[]> initial = undefined(context);
        initial.put(run.value("x"), X);
        initial.put(run.gradient("block"), DY);
        initial.put(run.gradient("x"), new double[] {0.25, 0.25, 0.25, 0.25});
        List<Tensor> parameters = run.parameters("block");
        initial.put(parameters.get(0), GAMMA);
        initial.put(parameters.get(1), new double[] {0, 0});
        initial.put(parameters.get(2), RUNNING_MEAN);
        initial.put(parameters.get(3), RUNNING_VAR);
        for (Tensor gradient : run.parameterGradients("block")) {
            if (gradient != null) {
                initial.put(gradient, new double[] {0, 0});
            }
        }
        program.scenario(context.device(), initial, context.launches(),
                Map.of(work + "_twice y", run.value("block"), work + "_twice dx", run.gradient("x")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FP32", "BF16", "BF16_NHWC"})
    void anInputReadTwiceGetsBothShares(String work) {
        assertClose(new double[] {2, 0, 6, 1}, work + "_twice y");
        assertClose(new double[] {1.25, 0.25, 4.25, -1.75}, work + "_twice dx");
    }

    private static NodeRun addRelu(Work work, BatchNorm norm) {
        RecordingCudaContext context = new RecordingCudaContext(work.precision(), work.layout());
        return new NodeRun(context, new BatchNormAddReluKernel(context), new BatchNormAddRelu(norm), SHAPE, 2,
                work.activations());
    }

    /** Every tensor of the context NaN: what is read must have been given or written first. */
    private static Map<Tensor, double[]> undefined(RecordingCudaContext context) {
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        for (Tensor tensor : context.device().allocated()) {
            double[] nan = new double[Math.toIntExact(tensor.size())];
            Arrays.fill(nan, Double.NaN);
            initial.put(tensor, nan);
        }
        return initial;
    }

    private void assertClose(double[] expected, String label) {
        assertArrayEquals(expected, emulated.get(label), TOLERANCE, label);
    }
}
