package dev.striate.core.check;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * Compares a backend's analytic backward with central finite differences, in double precision.
 * The checked scalar is L = Σ output·R for a fixed random R, so every output element contributes.
 * Error per element: |analytic - numeric| / max(|analytic|, |numeric|, {@value #ABSOLUTE_FLOOR});
 * a case passes when the largest error is at most {@value #TOLERANCE}.
 */
public final class GradientChecker {
    public static final double STEP = 1e-5;
    public static final double ABSOLUTE_FLOOR = 1e-3;
    public static final double TOLERANCE = 1e-6;
    private static final long SEED = 20261122L;

    private final Backend backend;

    public GradientChecker(Backend backend) {
        this.backend = backend;
    }

    public GradCheckResult check(GradCheckCase c) {
        Graph graph = c.graph();
        SplittableRandom random = new SplittableRandom(SEED);
        try (ParameterStore store = ParameterStore.initialize(graph, backend, SEED);
             Executor executor = backend.compile(graph, store)) {
            for (String name : store.trainableNames()) {
                double[] values = new double[(int) store.value(name).size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = random.nextDouble(-1, 1);
                }
                store.write(name, values);
            }
            List<String> floatInputs = new ArrayList<>();
            List<double[]> inputValues = new ArrayList<>();
            for (GraphInput in : graph.inputs()) {
                if (in.dtype() == DType.I32 || in.dtype() == DType.I64) {
                    executor.feed(in.name(), c.labels().get(in.name()));
                } else {
                    double[] x = wellSpaced((int) in.shape().size(), c.inputScale(), random);
                    executor.feed(in.name(), x);
                    executor.requireInputGradient(in.name());
                    floatInputs.add(in.name());
                    inputValues.add(x);
                }
            }
            RunContext context = new RunContext(c.training(), SEED, 3);
            if (!c.training()) {
                // One training pass first, so evaluation reads running statistics that differ from their initial values.
                executor.forward(RunContext.training(SEED, 1));
            }
            String output = graph.output();
            double[] projection = new double[(int) graph.shapeOf(output).size()];
            for (int i = 0; i < projection.length; i++) {
                projection[i] = random.nextDouble(-1, 1);
            }
            executor.forward(context);
            store.zeroGradients();
            executor.backward(output, projection);

            Worst worst = new Worst();
            for (int k = 0; k < floatInputs.size(); k++) {
                String name = floatInputs.get(k);
                compare(name, inputValues.get(k), executor.inputGradient(name), x -> executor.feed(name, x),
                        () -> objective(executor, context, output, projection), worst);
            }
            for (String name : store.trainableNames()) {
                compare(name, store.read(name), backend.read(store.gradient(name)), p -> store.write(name, p),
                        () -> objective(executor, context, output, projection), worst);
            }
            return new GradCheckResult(c.op(), c.name(), worst.error, worst.error <= TOLERANCE, worst.where,
                    worst.count);
        }
    }

    /** Central differences of the objective, one element of {@code values} at a time, against {@code analytic}. */
    private static void compare(String name, double[] values, double[] analytic, Consumer<double[]> apply,
                                DoubleSupplier objective, Worst worst) {
        for (int i = 0; i < values.length; i++) {
            double original = values[i];
            values[i] = original + STEP;
            apply.accept(values);
            double plus = objective.getAsDouble();
            values[i] = original - STEP;
            apply.accept(values);
            double minus = objective.getAsDouble();
            values[i] = original;
            apply.accept(values);
            worst.record(analytic[i], (plus - minus) / (2 * STEP), name, i);
        }
    }

    private double objective(Executor executor, RunContext context, String output, double[] projection) {
        executor.forward(context);
        double[] y = executor.read(output);
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i] * projection[i];
        }
        return sum;
    }

    /**
     * Distinct values in [-scale, scale], at least 2·scale/n apart and never zero, in random order: no two inputs
     * of a max tie within the finite-difference step, and no input sits on a kink of ReLU.
     */
    static double[] wellSpaced(int n, double scale, SplittableRandom random) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = scale * (2.0 * (i + 0.5) / n - 1.0) + scale * 0.25 / n;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        return x;
    }

    private static final class Worst {
        double error;
        String where = "";
        int count;

        void record(double analytic, double numeric, String name, int index) {
            count++;
            double denominator = Math.max(ABSOLUTE_FLOOR, Math.max(Math.abs(analytic), Math.abs(numeric)));
            double e = Math.abs(analytic - numeric) / denominator;
            if (e > error || Double.isNaN(e)) {
                error = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
                where = name + "[" + index + "] analytic " + analytic + " numeric " + numeric;
            }
        }
    }
}
