package dev.striate.cli;

import dev.striate.core.backend.Backend;
import dev.striate.core.check.ParityChecker;
import dev.striate.core.data.Batch;
import dev.striate.core.data.Dataset;
import dev.striate.core.data.Datasets;
import dev.striate.core.data.Loader;
import dev.striate.core.data.TransformPipeline;
import dev.striate.core.graph.Graph;
import dev.striate.core.optim.ConstantSchedule;
import dev.striate.core.optim.UpdateRules;
import dev.striate.core.train.Trainer;
import dev.striate.core.train.TrainerSettings;
import dev.striate.models.ModelSpecs;
import java.util.Iterator;

/** The loss of every step of the same training run on the reference and on a candidate backend. */
record LossCurves(double[] expected, double[] actual) {
    /** lenet5 on the demo data, batch 32, SGD with momentum 0.9 at 0.01, the same batches on both backends. */
    static LossCurves lenet5(Backend reference, Backend candidate, int steps, long seed) {
        Dataset train = Datasets.openDemoSubset().train();
        TrainerSettings settings = new TrainerSettings(0, seed, seed, UpdateRules.named("sgd", 0.9, 0, false),
                false, new ConstantSchedule(0.01), 0);
        Graph model = ModelSpecs.zoo("lenet5").toGraph(32);
        double[] expected = new double[steps];
        double[] actual = new double[steps];
        try (Trainer expectedTrainer = new Trainer(model, reference, settings);
             Trainer actualTrainer = new Trainer(model, candidate, settings);
             Loader loader = new Loader(train, TransformPipeline.plain(1, 32, 32), 32, true, true, 2, seed)) {
            int step = 0;
            for (int epoch = 0; step < steps; epoch++) {
                Iterator<Batch> batches = loader.epoch(epoch, 0);
                while (batches.hasNext() && step < steps) {
                    Batch batch = batches.next();
                    expected[step] = expectedTrainer.step(batch, epoch, loader.batchesPerEpoch()).loss();
                    actual[step] = actualTrainer.step(batch, epoch, loader.batchesPerEpoch()).loss();
                    step++;
                }
            }
        }
        return new LossCurves(expected, actual);
    }

    /** |actual - expected| / max(|expected|, 1e-3) at one step; NaN counts as infinite. */
    double error(int step) {
        double error = Math.abs(actual[step] - expected[step])
                / Math.max(Math.abs(expected[step]), ParityChecker.ABSOLUTE_FLOOR);
        return Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
    }
}
