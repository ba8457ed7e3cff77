package dev.striate.cpu.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.data.Batch;
import dev.striate.core.data.Loader;
import dev.striate.core.data.TransformPipeline;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.StateDicts;
import dev.striate.core.train.EpochProgress;
import dev.striate.core.train.RunDirectory;
import dev.striate.core.train.StepResult;
import dev.striate.core.train.Trainer;
import dev.striate.core.train.TrainerSettings;
import dev.striate.core.train.TrainingConfig;
import dev.striate.core.train.TrainingListener;
import dev.striate.core.train.TrainingLoop;
import dev.striate.cpu.CpuBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop takes batch k+1 and stages its copy while batch k's step is queued, waits for the device once
 * per step, and trains exactly the numbers that feeding each batch and stepping on it computes.
 */
class PipelinedTrainingTest {
    private static final int BATCH = 4;
    private static final int SEED = 11;

    @TempDir
    Path folder;

    /** One epoch through the loop, logged; returns each step's loss. */
    private static List<Double> trainOneEpoch(RecordingBackend backend, StripesDataset data, TrainingConfig config,
                                              Path out, Map<String, HostTensor> weightsAfter) throws IOException {
        TransformPipeline plain = TransformPipeline.plain(1, StripesDataset.SIDE, StripesDataset.SIDE);
        List<Double> losses = new ArrayList<>();
        try (Trainer trainer = new Trainer(TinyModels.stripes(BATCH), backend, TrainerSettings.from(config));
             Loader train = new Loader(data, plain, BATCH, true, false, 1, SEED);
             Loader val = new Loader(new StripesDataset(6, 2, Set.of()), plain, BATCH, false, false, 1, SEED);
             RunDirectory run = RunDirectory.create(out)) {
            TrainingLoop loop = new TrainingLoop(trainer, train, val, data.classes(), run, config, "stripes",
                    "{\"name\": \"stripes\"}", "{\"settings\": {}}", new TrainingListener() {
                        @Override
                        public void batchFinished(int epoch, int batch, int batches, EpochProgress progress,
                                                  StepResult step) {
                            backend.note("finished " + batch);
                            losses.add(step.loss());
                        }

                        @Override
                        public void validationStarted(int epoch, int batches) {
                            backend.note("validation");
                        }
                    });
            loop.run(loop.initialState());
            weightsAfter.putAll(StateDicts.capture(trainer.parameters()));
        }
        return losses;
    }

    /** The same epoch the plain way: each batch fed and stepped on before the next is taken. */
    private static List<Double> stepOneBatchAtATime(StripesDataset data, TrainingConfig config,
                                                    Map<String, HostTensor> weightsAfter) {
        TransformPipeline plain = TransformPipeline.plain(1, StripesDataset.SIDE, StripesDataset.SIDE);
        List<Double> losses = new ArrayList<>();
        try (CpuBackend backend = new CpuBackend();
             Trainer trainer = new Trainer(TinyModels.stripes(BATCH), backend, TrainerSettings.from(config));
             Loader train = new Loader(data, plain, BATCH, true, false, 1, SEED)) {
            Iterator<Batch> batches = train.epoch(0, 0);
            while (batches.hasNext()) {
                losses.add(trainer.step(batches.next(), 0, train.batchesPerEpoch()).loss());
            }
            weightsAfter.putAll(StateDicts.capture(trainer.parameters()));
        }
        return losses;
    }

    private static TrainingConfig config(Path out) {
        return TrainingLoopTest.config(out, 1, 0, 1, "batch", Integer.toString(BATCH), "seed",
                Integer.toString(SEED), "clip-grad-norm", "0.5");
    }

    @Test
    void eachBatchIsStagedWhileThePreviousStepIsQueuedAndEveryStepWaitsOnceInTrainingAndValidation()
            throws IOException {
        RecordingBackend backend = new RecordingBackend();
        Path out = folder.resolve("run");
        StripesDataset data = new StripesDataset(12, 1, Set.of());
        trainOneEpoch(backend, data, config(out), out, new LinkedHashMap<>());
        // Batch 0 is staged first; batches 1 and 2 (images [4, 1, 8, 8], labels [4]) are staged while the step before
        // them is queued, before that step's one wait (loss, gradient norm, predictions).
        List<String> expected = List.of(
                "stage [4, 1, 8, 8]", "stage [4]",
                "stage [4, 1, 8, 8]", "stage [4]", "wait 3", "finished 0",
                "stage [4, 1, 8, 8]", "stage [4]", "wait 3", "finished 1",
                "wait 3", "finished 2",
                // Validation (6 images: batches of 4 and 2) overlaps the same way, one wait (loss, top-k) per batch.
                "validation",
                "stage [4, 1, 8, 8]", "stage [4]",
                "stage [2, 1, 8, 8]", "stage [2]", "wait 2",
                "wait 2");
        assertEquals(expected, backend.log().subList(0, expected.size()));
    }

    @Test
    void thePipelinedLoopTrainsExactlyWhatSteppingOneBatchAtATimeDoes() throws IOException {
        // Two unreadable images in batch 0 and one in batch 1 of the shuffled order: batches of 2, 3 and 4 images, so
        // batch 1's executor would replace the one batch 0 runs on, and batch 1 is staged after batch 0's results.
        int[] order = new Loader(new StripesDataset(12, 1, Set.of()), TransformPipeline.plain(1, 8, 8), BATCH, true,
                false, 1, SEED).order(0);
        StripesDataset data = new StripesDataset(12, 1, Set.of(order[0], order[1], order[4]));
        Path out = folder.resolve("run");
        RecordingBackend backend = new RecordingBackend();
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        List<Double> pipelined = trainOneEpoch(backend, data, config(out), out, weights);
        Map<String, HostTensor> expectedWeights = new LinkedHashMap<>();
        List<Double> plain = stepOneBatchAtATime(data, config(out), expectedWeights);

        assertEquals(3, plain.size());
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(plain.get(i), pipelined.get(i), 1e-12 * Math.abs(plain.get(i)), "loss of step " + i);
        }
        assertEquals(expectedWeights.keySet(), weights.keySet());
        expectedWeights.forEach((name, expected) -> {
            double[] actual = weights.get(name).values();
            for (int i = 0; i < actual.length; i++) {
                assertEquals(expected.values()[i], actual[i], 1e-12 * Math.max(1, Math.abs(expected.values()[i])),
                        name + "[" + i + "]");
            }
        });
        List<String> expected = List.of(
                "stage [2, 1, 8, 8]", "stage [2]",
                "wait 3", "stage [3, 1, 8, 8]", "stage [3]", "finished 0",
                "stage [4, 1, 8, 8]", "stage [4]", "wait 3", "finished 1",
                "wait 3", "finished 2");
        assertEquals(expected, backend.log().subList(0, expected.size()));
    }
}
