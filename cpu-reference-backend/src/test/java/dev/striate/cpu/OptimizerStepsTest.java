package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Initializer;
import dev.striate.core.op.Linear;
import dev.striate.core.optim.Optimizer;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The first steps of every update rule through {@link Optimizer} and the reference kernels, against arithmetic
 * written out by hand below; gradient clipping; and optimizer state through a checkpoint-style round trip.
 * Unless a test says otherwise the parameter starts at θ = [1, −2].
 */
class OptimizerStepsTest {
    private static final double TOLERANCE = 1e-12;
    private static final String WEIGHT = "fc.weight";
    private static final CpuBackend BACKEND = new CpuBackend();

    /** A store whose only trainable parameter is {@code fc.weight} [1, n] (a linear layer without bias) = theta. */
    private static ParameterStore storeWith(double... theta) {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", Shape.of(1, theta.length));
        builder.add("fc", new Linear(1, false, Initializer.KaimingUniform.PYTORCH_DEFAULT, null), "x");
        ParameterStore store = ParameterStore.initialize(builder.build("fc"), BACKEND, 1);
        store.write(WEIGHT, theta);
        return store;
    }

    private static void setGradient(ParameterStore store, String name, double... gradient) {
        BACKEND.write(store.gradient(name), gradient);
    }

    /** Steps with a fixed gradient and returns θ after each step. */
    private static double[][] stepsWithFixedGradient(UpdateRule rule, double learningRate, int steps,
                                                     double[] gradient) {
        ParameterStore store = storeWith(1, -2);
        Optimizer optimizer = new Optimizer(rule, store, Set.of());
        setGradient(store, WEIGHT, gradient);
        double[][] thetas = new double[steps][];
        for (int i = 0; i < steps; i++) {
            optimizer.step(learningRate);
            thetas[i] = store.read(WEIGHT);
        }
        assertEquals(steps, optimizer.stepCount());
        assertArrayEquals(gradient, BACKEND.read(store.gradient(WEIGHT)), 0, "a step must not change the gradient");
        return thetas;
    }

    @Test
    void plainSgdSubtractsTheScaledGradient() {
        // g = [0.5, 0.25], lr 0.1: θ − 0.1·g = [0.95, −2.025], then [0.9, −2.05].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.Sgd(0, 0, false, 0), 0.1, 2, new double[] {0.5, 0.25});
        assertArrayEquals(new double[] {0.95, -2.025}, theta[0], TOLERANCE);
        assertArrayEquals(new double[] {0.9, -2.05}, theta[1], TOLERANCE);
    }

    @Test
    void sgdWeightDecayAddsTheScaledParameterToTheGradient() {
        // wd 0.1. Step 1: g + 0.1·θ = [0.5 + 0.1, 0.25 − 0.2] = [0.6, 0.05]; θ = [1 − 0.06, −2 − 0.005].
        // Step 2: g + 0.1·θ = [0.5 + 0.094, 0.25 − 0.2005] = [0.594, 0.0495]; θ = [0.94 − 0.0594, −2.005 − 0.00495].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.Sgd(0, 0, false, 0.1), 0.1, 2,
                new double[] {0.5, 0.25});
        assertArrayEquals(new double[] {0.94, -2.005}, theta[0], TOLERANCE);
        assertArrayEquals(new double[] {0.8806, -2.00995}, theta[1], TOLERANCE);
    }

    @Test
    void sgdMomentumStartsTheBufferAtTheFirstGradient() {
        // μ 0.9. Step 1: b = g = [0.5, 0.25]; θ = [0.95, −2.025].
        // Step 2: b = 0.9·b + g = [0.95, 0.475]; θ = [0.95 − 0.095, −2.025 − 0.0475] = [0.855, −2.0725].
        // Step 3: b = [0.855 + 0.5, 0.4275 + 0.25] = [1.355, 0.6775]; θ = [0.855 − 0.1355, −2.0725 − 0.06775].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.Sgd(0.9, 0, false, 0), 0.1, 3,
                new double[] {0.5, 0.25});
        assertArrayEquals(new double[] {0.95, -2.025}, theta[0], TOLERANCE);
        assertArrayEquals(new double[] {0.855, -2.0725}, theta[1], TOLERANCE);
        assertArrayEquals(new double[] {0.7195, -2.14025}, theta[2], TOLERANCE);
    }

    @Test
    void sgdDampeningScalesNewGradientsAfterTheFirstStep() {
        // μ 0.9, dampening 0.5. Step 1 is undamped: b = g, θ = [0.95, −2.025].
        // Step 2: b = 0.9·[0.5, 0.25] + 0.5·[0.5, 0.25] = [0.7, 0.35]; θ = [0.95 − 0.07, −2.025 − 0.035].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.Sgd(0.9, 0.5, false, 0), 0.1, 2,
                new double[] {0.5, 0.25});
        assertArrayEquals(new double[] {0.95, -2.025}, theta[0], TOLERANCE);
        assertArrayEquals(new double[] {0.88, -2.06}, theta[1], TOLERANCE);
    }

    @Test
    void sgdNesterovLooksAheadAlongTheBuffer() {
        // μ 0.9. Step 1: b = g; update g + 0.9·b = [0.95, 0.475]; θ = [1 − 0.095, −2 − 0.0475] = [0.905, −2.0475].
        // Step 2: b = [0.95, 0.475]; update g + 0.9·b = [1.355, 0.6775]; θ = [0.905 − 0.1355, −2.0475 − 0.06775].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.Sgd(0.9, 0, true, 0), 0.1, 2,
                new double[] {0.5, 0.25});
        assertArrayEquals(new double[] {0.905, -2.0475}, theta[0], TOLERANCE);
        assertArrayEquals(new double[] {0.7695, -2.11525}, theta[1], TOLERANCE);
    }

    @Test
    void sgdMomentumWithWeightDecayBuffersTheDecayedGradient() {
        // μ 0.9, wd 0.1. Step 1: g' = [0.6, 0.05] = b; θ = [0.94, −2.005].
        // Step 2: g' = [0.594, 0.0495]; b = [0.54 + 0.594, 0.045 + 0.0495] = [1.134, 0.0945];
        // θ = [0.94 − 0.1134, −2.005 − 0.00945].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.Sgd(0.9, 0, false, 0.1), 0.1, 2,
                new double[] {0.5, 0.25});
        assertArrayEquals(new double[] {0.94, -2.005}, theta[0], TOLERANCE);
        assertArrayEquals(new double[] {0.8266, -2.01445}, theta[1], TOLERANCE);
    }

    @Test
    void adamCorrectsTheBiasOfBothMoments() {
        ParameterStore store = storeWith(1, -2);
        Optimizer optimizer = new Optimizer(new UpdateRule.Adam(0.9, 0.999, 1e-8, 0, false), store, Set.of());
        // Step 1, g = [0.5, −1]: m = 0.1·g, v = 0.001·g², so m̂ = g and v̂ = g²: θ moves by 0.1·g/(|g| + 1e-8).
        setGradient(store, WEIGHT, 0.5, -1);
        optimizer.step(0.1);
        double[] theta1 = {1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 * 1 / (1 + 1e-8)};
        assertArrayEquals(theta1, store.read(WEIGHT), TOLERANCE);
        // Step 2, g = [0.1, 0.2]: m = 0.9·[0.05, −0.1] + 0.1·g = [0.055, −0.07];
        // v = 0.999·[0.00025, 0.001] + 0.001·g² = [0.00024975 + 0.00001, 0.000999 + 0.00004] = [0.00025975, 0.001039];
        // bias corrections 1 − 0.9² = 0.19 and 1 − 0.999² = 0.001999:
        // m̂ ≈ [0.28947, −0.36842], v̂ ≈ [0.12994, 0.51976].
        setGradient(store, WEIGHT, 0.1, 0.2);
        optimizer.step(0.1);
        double[] theta2 = {
            theta1[0] - 0.1 * (0.055 / 0.19) / (Math.sqrt(0.00025975 / 0.001999) + 1e-8),
            theta1[1] - 0.1 * (-0.07 / 0.19) / (Math.sqrt(0.001039 / 0.001999) + 1e-8)};
        assertArrayEquals(theta2, store.read(WEIGHT), TOLERANCE);
        // About [0.9 − 0.080304, −1.9 + 0.051103].
        assertArrayEquals(new double[] {0.819696, -1.848897}, store.read(WEIGHT), 1e-6);
    }

    @Test
    void adamWeightDecayIsAddedToTheGradient() {
        // wd 0.1, g = [0.5, −1]. Step 1: g' = g + 0.1·θ = [0.6, −1.2]; m̂ = g', v̂ = g'²: θ ≈ [0.9, −1.9].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.Adam(0.9, 0.999, 1e-8, 0.1, false), 0.1, 2,
                new double[] {0.5, -1});
        double[] theta1 = {1 - 0.1 * 0.6 / (0.6 + 1e-8), -2 + 0.1 * 1.2 / (1.2 + 1e-8)};
        assertArrayEquals(theta1, theta[0], TOLERANCE);
        // Step 2: g'' = g + 0.1·θ1 ≈ [0.59, −1.19]; m = 0.9·0.1·g' + 0.1·g''; v = 0.999·0.001·g'² + 0.001·g''².
        double[] g2 = {0.5 + 0.1 * theta1[0], -1 + 0.1 * theta1[1]};
        double[] m2 = {0.9 * 0.06 + 0.1 * g2[0], 0.9 * -0.12 + 0.1 * g2[1]};
        double[] v2 = {0.999 * 0.00036 + 0.001 * g2[0] * g2[0], 0.999 * 0.00144 + 0.001 * g2[1] * g2[1]};
        double[] theta2 = {
            theta1[0] - 0.1 * (m2[0] / 0.19) / (Math.sqrt(v2[0] / 0.001999) + 1e-8),
            theta1[1] - 0.1 * (m2[1] / 0.19) / (Math.sqrt(v2[1] / 0.001999) + 1e-8)};
        assertArrayEquals(theta2, theta[1], TOLERANCE);
        assertArrayEquals(new double[] {0.800047, -1.800023}, theta[1], 1e-6);
    }

    @Test
    void adamwDecaysTheWeightApartFromTheAdaptiveStep() {
        // wd 0.1, lr 0.1, g = [0.5, −1]. With a fixed gradient m̂ = g and v̂ = g² at every step, so each step is
        // θ ← (1 − 0.01)·θ − 0.1·g/(|g| + 1e-8). Step 1: [0.99 − 0.1, −1.98 + 0.1] ≈ [0.89, −1.88];
        // step 2: [0.99·0.89 − 0.1, −0.99·1.88 + 0.1] ≈ [0.7811, −1.7612]. Adam with the same wd is near [0.9, −1.9].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.Adam(0.9, 0.999, 1e-8, 0.1, true), 0.1, 2,
                new double[] {0.5, -1});
        double[] theta1 = {0.99 - 0.1 * 0.5 / (0.5 + 1e-8), -1.98 + 0.1 * 1 / (1 + 1e-8)};
        assertArrayEquals(theta1, theta[0], TOLERANCE);
        double[] theta2 = {0.99 * theta1[0] - 0.1 * 0.5 / (0.5 + 1e-8), 0.99 * theta1[1] + 0.1 * 1 / (1 + 1e-8)};
        assertArrayEquals(theta2, theta[1], TOLERANCE);
        assertArrayEquals(new double[] {0.7811, -1.7612}, theta[1], 1e-6);
    }

    @Test
    void rmsPropDividesByTheRootOfTheSquareAverage() {
        // α 0.99, lr 0.01, g = [0.5, −1]. Step 1: s = 0.01·g² = [0.0025, 0.01], √s = [0.05, 0.1]; θ ≈ [0.9, −1.9].
        // Step 2: s = 0.99·s + 0.01·g² = [0.002475 + 0.0025, 0.0099 + 0.01] = [0.004975, 0.0199].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.RmsProp(0.99, 1e-8, 0, 0), 0.01, 2,
                new double[] {0.5, -1});
        double[] theta1 = {1 - 0.01 * 0.5 / (0.05 + 1e-8), -2 + 0.01 * 1 / (0.1 + 1e-8)};
        assertArrayEquals(theta1, theta[0], TOLERANCE);
        double[] theta2 = {theta1[0] - 0.01 * 0.5 / (Math.sqrt(0.004975) + 1e-8),
            theta1[1] + 0.01 * 1 / (Math.sqrt(0.0199) + 1e-8)};
        assertArrayEquals(theta2, theta[1], TOLERANCE);
        // 0.005/0.0705337 = 0.0708881 on both.
        assertArrayEquals(new double[] {0.829112, -1.829112}, theta[1], 1e-6);
    }

    @Test
    void rmsPropMomentumAccumulatesTheNormalizedGradientFromZero() {
        // μ 0.9; s as in the test without momentum. Step 1: b = g/(√s + ε) ≈ [10, −10]; θ = θ − 0.01·b ≈ [0.9, −1.9].
        // Step 2: b = 0.9·b + g/(√s + ε) ≈ [9 + 7.08881, −9 − 7.08881]; θ ≈ [0.9 − 0.160888, −1.9 + 0.160888].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.RmsProp(0.99, 1e-8, 0.9, 0), 0.01, 2,
                new double[] {0.5, -1});
        double[] buffer1 = {0.5 / (0.05 + 1e-8), -1 / (0.1 + 1e-8)};
        double[] theta1 = {1 - 0.01 * buffer1[0], -2 - 0.01 * buffer1[1]};
        assertArrayEquals(theta1, theta[0], TOLERANCE);
        double[] buffer2 = {0.9 * buffer1[0] + 0.5 / (Math.sqrt(0.004975) + 1e-8),
            0.9 * buffer1[1] - 1 / (Math.sqrt(0.0199) + 1e-8)};
        assertArrayEquals(new double[] {theta1[0] - 0.01 * buffer2[0], theta1[1] - 0.01 * buffer2[1]}, theta[1],
                TOLERANCE);
        assertArrayEquals(new double[] {0.739112, -1.739112}, theta[1], 1e-6);
    }

    @Test
    void rmsPropWeightDecayIsAddedToTheGradient() {
        // wd 0.1. Step 1: g' = [0.6, −1.2]; s = 0.01·g'² = [0.0036, 0.0144], √s = [0.06, 0.12]; θ ≈ [0.9, −1.9].
        // Step 2: g'' = g + 0.1·θ1 ≈ [0.59, −1.19]; s = 0.99·s + 0.01·g''² ≈ [0.007045, 0.028417].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.RmsProp(0.99, 1e-8, 0, 0.1), 0.01, 2,
                new double[] {0.5, -1});
        double[] theta1 = {1 - 0.01 * 0.6 / (0.06 + 1e-8), -2 + 0.01 * 1.2 / (0.12 + 1e-8)};
        assertArrayEquals(theta1, theta[0], TOLERANCE);
        double[] g2 = {0.5 + 0.1 * theta1[0], -1 + 0.1 * theta1[1]};
        double[] s2 = {0.99 * 0.0036 + 0.01 * g2[0] * g2[0], 0.99 * 0.0144 + 0.01 * g2[1] * g2[1]};
        assertArrayEquals(new double[] {theta1[0] - 0.01 * g2[0] / (Math.sqrt(s2[0]) + 1e-8),
            theta1[1] - 0.01 * g2[1] / (Math.sqrt(s2[1]) + 1e-8)}, theta[1], TOLERANCE);
        // 0.9 − 0.0059/0.083934 ≈ 0.829707 (0.829112 without decay).
        assertArrayEquals(new double[] {0.829707, -1.829408}, theta[1], 1e-6);
    }

    @Test
    void adaGradDividesByTheRootOfTheSumOfSquares() {
        // lr 0.1, ε 1e-10, g = [0.5, −1]: s = k·g² after step k, so θ moves by 0.1·g/(√k·|g|).
        // Steps: [0.9, −1.9]; 0.05/√0.5 = 0.0707107 → [0.829289, −1.829289];
        // 0.05/√0.75 = 0.0577350 → [0.771554, −1.771554].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.AdaGrad(1e-10, 0), 0.1, 3, new double[] {0.5, -1});
        double[] theta1 = {1 - 0.1 * 0.5 / (0.5 + 1e-10), -2 + 0.1 * 1 / (1 + 1e-10)};
        double[] theta2 = {theta1[0] - 0.1 * 0.5 / (Math.sqrt(0.5) + 1e-10),
            theta1[1] + 0.1 * 1 / (Math.sqrt(2) + 1e-10)};
        double[] theta3 = {theta2[0] - 0.1 * 0.5 / (Math.sqrt(0.75) + 1e-10),
            theta2[1] + 0.1 * 1 / (Math.sqrt(3) + 1e-10)};
        assertArrayEquals(theta1, theta[0], TOLERANCE);
        assertArrayEquals(theta2, theta[1], TOLERANCE);
        assertArrayEquals(theta3, theta[2], TOLERANCE);
        assertArrayEquals(new double[] {0.771554, -1.771554}, theta[2], 1e-6);
    }

    @Test
    void adaGradWeightDecayIsAddedToTheGradient() {
        // wd 0.1. Step 1: g' = [0.6, −1.2], s = [0.36, 1.44]; θ ≈ [0.9, −1.9].
        // Step 2: g'' ≈ [0.59, −1.19], s ≈ [0.36 + 0.3481, 1.44 + 1.4161] = [0.7081, 2.8561 = 1.69²].
        double[][] theta = stepsWithFixedGradient(new UpdateRule.AdaGrad(1e-10, 0.1), 0.1, 2, new double[] {0.5, -1});
        double[] theta1 = {1 - 0.1 * 0.6 / (0.6 + 1e-10), -2 + 0.1 * 1.2 / (1.2 + 1e-10)};
        assertArrayEquals(theta1, theta[0], TOLERANCE);
        double[] g2 = {0.5 + 0.1 * theta1[0], -1 + 0.1 * theta1[1]};
        double[] s2 = {0.36 + g2[0] * g2[0], 1.44 + g2[1] * g2[1]};
        assertArrayEquals(new double[] {theta1[0] - 0.1 * g2[0] / (Math.sqrt(s2[0]) + 1e-10),
            theta1[1] - 0.1 * g2[1] / (Math.sqrt(s2[1]) + 1e-10)}, theta[1], TOLERANCE);
        // 0.059/0.841487 ≈ 0.070114 and 0.119/1.69 ≈ 0.070414.
        assertArrayEquals(new double[] {0.829886, -1.829586}, theta[1], 1e-6);
    }

    @Test
    void namesExemptFromWeightDecayStepWithoutIt() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", Shape.of(1, 2));
        builder.add("fc", Linear.of(1), "x");
        Graph graph = builder.build("fc");
        ParameterStore store = ParameterStore.initialize(graph, BACKEND, 1);
        store.write(WEIGHT, new double[] {1, -2});
        store.write("fc.bias", new double[] {3});
        Optimizer optimizer = new Optimizer(new UpdateRule.Sgd(0, 0, false, 0.1), store,
                Optimizer.biasAndNormParameters(graph));
        setGradient(store, WEIGHT, 0.5, 0.25);
        setGradient(store, "fc.bias", 1);
        optimizer.step(0.1);
        // Weight decayed as before: [0.94, −2.005]. Bias undecayed: 3 − 0.1·1 = 2.9 (decayed it would be 2.87).
        assertArrayEquals(new double[] {0.94, -2.005}, store.read(WEIGHT), TOLERANCE);
        assertArrayEquals(new double[] {2.9}, store.read("fc.bias"), TOLERANCE);
        assertThrows(IllegalArgumentException.class,
                () -> new Optimizer(new UpdateRule.Sgd(0, 0, false, 0.1), store, Set.of("fc.running_mean")));
    }

    /** weight [2, 1] with gradient [3, 0] and bias [2] with gradient [0, 4]: global norm √(9 + 16) = 5. */
    private static ParameterStore storeWithGradientNormFive() {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", Shape.of(1, 1));
        builder.add("fc", Linear.of(2), "x");
        ParameterStore store = ParameterStore.initialize(builder.build("fc"), BACKEND, 1);
        setGradient(store, WEIGHT, 3, 0);
        setGradient(store, "fc.bias", 0, 4);
        return store;
    }

    @Test
    void clippingScalesAllGradientsByMaxNormOverNorm() {
        ParameterStore store = storeWithGradientNormFive();
        Optimizer optimizer = new Optimizer(new UpdateRule.Sgd(0, 0, false, 0), store, Set.of());
        assertEquals(5, optimizer.clipGradientNorm(1), TOLERANCE);
        // Factor 1/(5 + 1e-6) = 0.19999996: [0.59999988, 0] and [0, 0.79999984], a norm of just under 1.
        assertArrayEquals(new double[] {0.59999988, 0}, BACKEND.read(store.gradient(WEIGHT)), 1e-12);
        assertArrayEquals(new double[] {0, 0.79999984}, BACKEND.read(store.gradient("fc.bias")), 1e-12);
        assertEquals(0.9999998, optimizer.clipGradientNorm(1), 1e-12);
    }

    @Test
    void clippingLeavesSmallGradientsAloneAndMatchesPyTorchAtTheEdge() {
        ParameterStore store = storeWithGradientNormFive();
        Optimizer optimizer = new Optimizer(new UpdateRule.Sgd(0, 0, false, 0), store, Set.of());
        assertEquals(5, optimizer.clipGradientNorm(10), TOLERANCE);
        assertArrayEquals(new double[] {3, 0}, BACKEND.read(store.gradient(WEIGHT)), 0);
        // At max norm 5 PyTorch still multiplies by 5/(5 + 1e-6) = 0.9999998: [2.9999994, 0] and [0, 3.9999992].
        assertEquals(5, optimizer.clipGradientNorm(5), TOLERANCE);
        assertArrayEquals(new double[] {2.9999994, 0}, BACKEND.read(store.gradient(WEIGHT)), 1e-12);
        assertArrayEquals(new double[] {0, 3.9999992}, BACKEND.read(store.gradient("fc.bias")), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> optimizer.clipGradientNorm(0));
    }

    static Stream<UpdateRule> rulesWithState() {
        return Stream.of(new UpdateRule.Sgd(0.9, 0.1, false, 1e-3), new UpdateRule.Sgd(0.9, 0, true, 0),
                new UpdateRule.Adam(0.9, 0.999, 1e-8, 1e-2, false), new UpdateRule.Adam(0.8, 0.99, 1e-8, 1e-2, true),
                new UpdateRule.RmsProp(0.99, 1e-8, 0.9, 1e-3), new UpdateRule.RmsProp(0.9, 1e-8, 0, 0),
                new UpdateRule.AdaGrad(1e-10, 1e-3));
    }

    @ParameterizedTest
    @MethodSource("rulesWithState")
    void restoredStateContinuesExactlyAsAnUninterruptedRun(UpdateRule rule) {
        ParameterStore uninterrupted = storeWith(1, -2, 0.5);
        Optimizer original = new Optimizer(rule, uninterrupted, Set.of());
        setGradient(uninterrupted, WEIGHT, 0.3, -0.7, 0.2);
        original.step(0.1);
        setGradient(uninterrupted, WEIGHT, -0.1, 0.4, 0.6);
        original.step(0.05);

        // A checkpoint: weights, optimizer state and step count through host arrays; then a fresh process's objects.
        Map<String, double[]> saved = original.stateToHost();
        assertEquals(rule.stateSlots(), saved.size());
        ParameterStore resumed = storeWith(uninterrupted.read(WEIGHT));
        Optimizer restored = new Optimizer(rule, resumed, Set.of());
        restored.restoreState(saved, original.stepCount());
        ParameterStore forgetful = storeWith(uninterrupted.read(WEIGHT));
        Optimizer fresh = new Optimizer(rule, forgetful, Set.of());

        for (ParameterStore store : new ParameterStore[] {uninterrupted, resumed, forgetful}) {
            setGradient(store, WEIGHT, 0.25, 0.1, -0.3);
        }
        original.step(0.02);
        restored.step(0.02);
        fresh.step(0.02);
        // Exactly the same arithmetic on the same doubles, so no tolerance.
        assertArrayEquals(uninterrupted.read(WEIGHT), resumed.read(WEIGHT), 0);
        assertEquals(3, restored.stepCount());
        original.stateToHost().forEach((key, values) ->
                assertArrayEquals(values, restored.stateToHost().get(key), 0, key));
        // Without the state the step differs, so the comparison above could fail.
        assertFalse(Arrays.equals(uninterrupted.read(WEIGHT), forgetful.read(WEIGHT)));
    }

    @Test
    void stateThatDoesNotFitIsAUserErrorAndChangesNothing() {
        ParameterStore store = storeWith(1, -2);
        Optimizer sgd = new Optimizer(new UpdateRule.Sgd(0.9, 0, false, 0), store, Set.of());
        Map<String, double[]> adamState = new LinkedHashMap<>();
        adamState.put(WEIGHT + "#0", new double[] {1, 2});
        adamState.put(WEIGHT + "#1", new double[] {3, 4});
        UserException extra = assertThrows(UserException.class, () -> sgd.restoreState(adamState, 5));
        assertTrue(extra.getMessage().contains("unexpected fc.weight#1"), extra.getMessage());
        assertTrue(extra.getMessage().contains("--optimizer"), extra.getMessage());

        UserException shortState = assertThrows(UserException.class,
                () -> sgd.restoreState(Map.of(WEIGHT + "#0", new double[] {1}), 5));
        assertTrue(shortState.getMessage().contains("fc.weight#0 has 1 values, expected 2"), shortState.getMessage());
        UserException missing = assertThrows(UserException.class, () -> sgd.restoreState(Map.of(), 5));
        assertTrue(missing.getMessage().contains("missing fc.weight#0"), missing.getMessage());
        assertThrows(UserException.class, () -> sgd.restoreState(Map.of(WEIGHT + "#0", new double[] {1, 2}), -1));

        assertEquals(0, sgd.stepCount());
        assertArrayEquals(new double[] {0, 0}, sgd.stateToHost().get(WEIGHT + "#0"), 0);
    }
}
