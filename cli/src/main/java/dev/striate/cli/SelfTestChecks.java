package dev.striate.cli;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.Precision;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.check.ParityChecker;
import dev.striate.core.check.ParityReport;
import dev.striate.core.check.ParityRow;
import dev.striate.core.data.Batch;
import dev.striate.core.data.Dataset;
import dev.striate.core.data.Datasets;
import dev.striate.core.data.Loader;
import dev.striate.core.data.TransformPipeline;
import dev.striate.core.graph.Graph;
import dev.striate.core.optim.ConstantSchedule;
import dev.striate.core.optim.UpdateRules;
import dev.striate.core.train.ClassifierGraphs;
import dev.striate.core.train.Trainer;
import dev.striate.core.train.TrainerSettings;
import dev.striate.models.ModelSpec;
import dev.striate.models.ModelSpecs;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The checks of {@code striate selftest}, each running a candidate backend against the reference on the same inputs:
 * every case of the gradient-check grid (outputs and every gradient), two zoo models at 64×64 (logits, loss, every
 * parameter gradient), and 200 SGD steps of lenet5 on the demo data (the two loss curves). A check that throws (a CUDA
 * or cuDNN error, a kernel that does not compile) is a failed row naming the exception, and the checks after it still
 * run, so that one run on a GPU shows every failure.
 */
final class SelfTestChecks {
    static final long SEED = 20261201L;
    static final int TRAINING_STEPS = 200;
    static final List<String> MODELS = List.of("resnet18", "mobilenet_v2");
    private static final int MODEL_BATCH = 4;
    private static final int MODEL_SIZE = 64;
    private static final double TRAINING_TOLERANCE = 1e-3;

    private final Backend reference;
    private final Backend candidate;
    private final double tolerance;
    private final Consumer<SelfTestRow> sink;

    SelfTestChecks(Backend reference, Backend candidate, Precision precision, Consumer<SelfTestRow> sink) {
        this.reference = reference;
        this.candidate = candidate;
        this.tolerance = tolerance(precision);
        this.sink = sink;
    }

    /** The largest relative error allowed against the float64 reference. */
    static double tolerance(Precision precision) {
        return switch (precision) {
            case FP32 -> 1e-4;
            case TF32 -> 5e-3;
            case BF16 -> 3e-2;
        };
    }

    void ops() {
        ParityChecker checker = new ParityChecker(reference, candidate, tolerance, SEED);
        for (GradCheckCase c : GradCheckSuite.cases()) {
            String check = c.op() + ": " + c.name();
            guarded("op", check, () -> List.of(row("op", check, checker.check(c).rows())));
        }
    }

    void models() {
        ParityChecker checker = new ParityChecker(reference, candidate, tolerance, SEED);
        for (String name : MODELS) {
            guarded("model", name, () -> model(checker, name));
        }
    }

    private List<SelfTestRow> model(ParityChecker checker, String name) {
        ModelSpec spec = ModelSpecs.zoo(name).withInput(3, MODEL_SIZE, MODEL_SIZE);
        Graph graph = ClassifierGraphs.training(spec.toGraph(MODEL_BATCH), 0);
        int[] labels = new SplittableRandom(SEED).ints(MODEL_BATCH, 0, spec.classes()).toArray();
        ParityReport report = checker.check(name, "64x64, batch 4", graph, ClassifierGraphs.LOSS,
                Map.of(ClassifierGraphs.LABELS, labels), true, 1, false);
        String logits = "output " + ClassifierGraphs.logits(graph);
        String loss = "output " + ClassifierGraphs.LOSS;
        List<ParityRow> rows = report.rows();
        return List.of(
                row("model", name + " logits", rows.stream().filter(r -> r.what().equals(logits)).toList()),
                row("model", name + " loss", rows.stream().filter(r -> r.what().equals(loss)).toList()),
                row("model", name + " parameter gradients",
                        rows.stream().filter(r -> r.what().startsWith("gradient ") && !r.what().equals("gradient "
                                + ClassifierGraphs.IMAGES)).toList()),
                row("model", name + " activations, input gradient, running statistics",
                        rows.stream().filter(r -> !r.what().equals(logits) && !r.what().equals(loss)
                                && (!r.what().startsWith("gradient ")
                                || r.what().equals("gradient " + ClassifierGraphs.IMAGES))).toList()));
    }

    /** lenet5, SGD with momentum, the same batches on both backends; the loss of each step compared. */
    void training() {
        String check = "lenet5, " + TRAINING_STEPS + " SGD steps: loss curve";
        guarded("training", check, () -> List.of(training(check)));
    }

    private SelfTestRow training(String check) {
        ModelSpec spec = ModelSpecs.zoo("lenet5");
        Dataset train = Datasets.openDemoSubset().train();
        TrainerSettings settings = new TrainerSettings(0, SEED, SEED, UpdateRules.named("sgd", 0.9, 0, false),
                false, new ConstantSchedule(0.01), 0);
        Graph model = spec.toGraph(32);
        double worst = 0;
        String where = "";
        List<String> failures = new ArrayList<>();
        try (Trainer expected = new Trainer(model, reference, settings);
             Trainer actual = new Trainer(model, candidate, settings);
             Loader loader = new Loader(train, TransformPipeline.plain(1, 32, 32), 32, true, true, 2, SEED)) {
            int step = 0;
            for (int epoch = 0; step < TRAINING_STEPS; epoch++) {
                Iterator<Batch> batches = loader.epoch(epoch, 0);
                while (batches.hasNext() && step < TRAINING_STEPS) {
                    Batch batch = batches.next();
                    double e = expected.step(batch, epoch, loader.batchesPerEpoch()).loss();
                    double a = actual.step(batch, epoch, loader.batchesPerEpoch()).loss();
                    double error = Math.abs(a - e) / Math.max(Math.abs(e), ParityChecker.ABSOLUTE_FLOOR);
                    if (!(error <= worst)) {
                        worst = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
                        where = String.format(Locale.ROOT, "step %d: loss %.9g, reference %.9g", step, a, e);
                    }
                    if (!(error <= TRAINING_TOLERANCE) && failures.size() < 5) {
                        failures.add(String.format(Locale.ROOT, "step %d: loss %.9g, reference %.9g", step, a, e));
                    }
                    step++;
                }
            }
        }
        return new SelfTestRow("training", check, worst, TRAINING_TOLERANCE, where, failures);
    }

    /** The rows of {@code check}, or one failed row naming what it threw and where. */
    private void guarded(String group, String check, Supplier<List<SelfTestRow>> rows) {
        List<SelfTestRow> result;
        try {
            result = rows.get();
        } catch (RuntimeException e) {
            StackTraceElement[] frames = e.getStackTrace();
            String thrown = "threw " + e.getClass().getSimpleName() + ": "
                    + (e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse(""))
                    + (frames.length == 0 ? "" : " at " + frames[0]);
            result = List.of(new SelfTestRow(group, check, Double.POSITIVE_INFINITY, tolerance, thrown,
                    List.of(thrown)));
        }
        result.forEach(sink);
    }

    private SelfTestRow row(String group, String check, List<ParityRow> rows) {
        if (rows.isEmpty()) {
            return new SelfTestRow(group, check, Double.POSITIVE_INFINITY, tolerance, "nothing was compared",
                    List.of("nothing was compared"));
        }
        ParityReport part = new ParityReport(group, check, rows);
        ParityRow worst = part.worst();
        return new SelfTestRow(group, check, worst.maxRelError(), tolerance, describe(worst),
                part.failures().stream().map(SelfTestChecks::describe).toList());
    }

    private static String describe(ParityRow r) {
        return String.format(Locale.ROOT, "%s[%d]: %.9g, reference %.9g (error %.3e)", r.what(), r.worstIndex(),
                r.actual(), r.expected(), r.maxRelError());
    }
}
