package dev.striate.cpu.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import dev.striate.core.data.Batch;
import dev.striate.core.data.DecodedImage;
import dev.striate.core.data.TransformPipeline;
import dev.striate.core.data.UnreadableImageException;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.StateDicts;
import dev.striate.core.optim.ConstantSchedule;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.train.StepResult;
import dev.striate.core.train.Trainer;
import dev.striate.core.train.TrainerSettings;
import dev.striate.core.train.TrainingDivergedException;
import dev.striate.cpu.CpuBackend;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static final StripesDataset DATA = new StripesDataset(40, 3, Set.of());

    /** Items {@code from..from+size-1} of the stripes data as one batch, through the plain pipeline. */
    static Batch batch(int from, int size, int index) throws UnreadableImageException {
        TransformPipeline plain = TransformPipeline.plain(1, StripesDataset.SIDE, StripesDataset.SIDE);
        float[] images = new float[size * plain.itemSize()];
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            DecodedImage image = DATA.decode(from + i);
            plain.apply(image, new SplittableRandom(0), images, i * plain.itemSize());
            labels[i] = DATA.label(from + i);
        }
        return new Batch(MemorySegment.ofArray(images), labels, size, index, List.of());
    }

    static TrainerSettings sgd(double rate, double clip) {
        return new TrainerSettings(0, 5, 6, new UpdateRule.Sgd(0.9, 0, false, 0), false,
                new ConstantSchedule(rate), clip);
    }

    @Test
    void stepsLowerTheLossOnTheBatchTheyTrainOn() throws UnreadableImageException {
        try (CpuBackend backend = new CpuBackend();
             Trainer trainer = new Trainer(TinyModels.stripes(12), backend, sgd(0.05, 0))) {
            Batch batch = batch(0, 12, 0);
            StepResult first = trainer.step(batch, 0, 1);
            StepResult last = first;
            for (int step = 1; step < 30; step++) {
                last = trainer.step(batch, 0, 1);
            }
            assertTrue(last.loss() < 0.5 * first.loss(), first.loss() + " -> " + last.loss());
            assertEquals(30, trainer.globalStep());
            assertEquals(30, trainer.optimizer().stepCount());
            assertEquals(0.05, last.learningRate(), 0);
            assertEquals(12, last.size());
        }
    }

    @Test
    void aStagedBatchTrainsWhatAFedBatchTrains() throws UnreadableImageException {
        try (CpuBackend backend = new CpuBackend();
             RecordingBackend recording = new RecordingBackend();
             Trainer fed = new Trainer(TinyModels.stripes(12), backend, sgd(0.05, 0));
             Trainer staged = new Trainer(TinyModels.stripes(12), recording, sgd(0.05, 0))) {
            for (int step = 0; step < 3; step++) {
                Batch batch = batch(12 * step, 12, step);
                double expected = fed.step(batch, 0, 3).loss();
                staged.stage(batch);
                assertEquals(expected, staged.stepOnFedBatch(batch.labels(), batch.index(), 0, 3).loss(), 1e-12);
            }
            // Each step's images [12, 1, 8, 8] and labels [12] went through the staged inputs, read with one wait.
            List<String> step = List.of("stage [12, 1, 8, 8]", "stage [12]", "wait 3");
            assertEquals(Stream.of(step, step, step).flatMap(List::stream).toList(), recording.log());
        }
    }

    @Test
    void aFrozenBackboneKeepsItsWeightsAndRunningStatisticsWhileTheClassifierLearns()
            throws UnreadableImageException {
        TrainerSettings frozen = new TrainerSettings(0, 5, 6, new UpdateRule.Sgd(0.9, 0.01, false, 0), false,
                new ConstantSchedule(0.05), 0, List.of("backbone"));
        try (CpuBackend backend = new CpuBackend();
             Trainer trainer = new Trainer(TinyModels.stripes(12), backend, frozen)) {
            Map<String, HostTensor> before = StateDicts.capture(trainer.parameters());
            for (int step = 0; step < 3; step++) {
                trainer.step(batch(0, 12, 0), 0, 1);
            }
            Map<String, HostTensor> after = StateDicts.capture(trainer.parameters());
            for (String name : List.of("conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean",
                    "bn.running_var", "bn.num_batches_tracked")) {
                assertArrayEquals(before.get(name).values(), after.get(name).values(), 0, name);
            }
            for (String name : List.of("fc.weight", "fc.bias")) {
                double change = 0;
                for (int i = 0; i < before.get(name).values().length; i++) {
                    change += Math.abs(before.get(name).values()[i] - after.get(name).values()[i]);
                }
                assertTrue(change > 1e-6, name + " changed by " + change);
            }
            assertEquals(Set.of("fc.weight", "fc.bias"), trainer.optimizer().updatedNames());
        }
    }

    @Test
    void aFreezePrefixThatMatchesNothingIsNamedWithTheModelsPrefixes() {
        TrainerSettings frozen = new TrainerSettings(0, 5, 6, new UpdateRule.Sgd(0.9, 0, false, 0), false,
                new ConstantSchedule(0.05), 0, List.of("cnv"));
        try (CpuBackend backend = new CpuBackend()) {
            UserException e = assertThrows(UserException.class,
                    () -> new Trainer(TinyModels.stripes(12), backend, frozen));
            assertEquals("--freeze cnv matches no parameter of the model (did you mean 'conv'?); prefixes of its"
                    + " parameters: conv, bn, fc, or backbone for all but the classifier", e.getMessage());
        }
    }

    @Test
    void partialBatchesRunOnTheirOwnExecutorWithTheSameWeights() throws UnreadableImageException {
        try (CpuBackend backend = new CpuBackend();
             Trainer trainer = new Trainer(TinyModels.stripes(12), backend, sgd(0.05, 0))) {
            StepResult whole = trainer.step(batch(0, 12, 0), 0, 2);
            StepResult partial = trainer.step(batch(12, 5, 1), 0, 2);
            assertEquals(12, whole.size());
            assertEquals(5, partial.size());
            assertTrue(partial.correct() >= 0 && partial.correct() <= 5);
        }
    }

    @Test
    void explodingLossStopsBeforeTheUpdateAndNamesTheStep() throws UnreadableImageException {
        try (CpuBackend backend = new CpuBackend();
             Trainer trainer = new Trainer(TinyModels.stripes(12), backend, sgd(1e305, 0))) {
            Batch batch = batch(0, 12, 0);
            Map<String, HostTensor> before = StateDicts.capture(trainer.parameters());
            TrainingDivergedException diverged = null;
            for (int step = 0; step < 20 && diverged == null; step++) {
                before = StateDicts.capture(trainer.parameters());
                try {
                    trainer.step(batch, 0, 1);
                } catch (TrainingDivergedException e) {
                    diverged = e;
                }
            }
            assertTrue(diverged != null, "a rate of 1e305 must make the loss or gradients overflow");
            assertTrue(diverged.getMessage().contains("at step " + diverged.step()), diverged.getMessage());
            assertEquals(diverged.step(), trainer.globalStep());
            Map<String, HostTensor> after = StateDicts.capture(trainer.parameters());
            // Trainable parameters; batch-norm's running statistics already moved in the failed step's forward pass.
            for (String name : trainer.parameters().trainableNames()) {
                assertArrayEquals(before.get(name).values(), after.get(name).values(), 0,
                        name + " must be left as the last good step made it");
            }
        }
    }

    @Test
    void clippingKeepsTheUpdateWithinTheNormTimesTheRate() throws UnreadableImageException {
        double rate = 0.1;
        double maxNorm = 1e-3;
        try (CpuBackend backend = new CpuBackend();
             Trainer trainer = new Trainer(TinyModels.stripes(12), backend, new TrainerSettings(0, 5, 6,
                     new UpdateRule.Sgd(0, 0, false, 0), false, new ConstantSchedule(rate), maxNorm))) {
            Map<String, HostTensor> before = StateDicts.capture(trainer.parameters());
            trainer.step(batch(0, 12, 0), 0, 1);
            Map<String, HostTensor> after = StateDicts.capture(trainer.parameters());
            double squares = 0;
            for (String name : trainer.parameters().trainableNames()) {
                double[] a = before.get(name).values();
                double[] b = after.get(name).values();
                for (int i = 0; i < a.length; i++) {
                    squares += (a[i] - b[i]) * (a[i] - b[i]);
                }
            }
            // Plain SGD moves the weights by rate x gradient, and clipping bounds the gradients' norm.
            assertTrue(Math.sqrt(squares) <= rate * maxNorm * (1 + 1e-9), "update norm " + Math.sqrt(squares));
            assertTrue(Math.sqrt(squares) > 0.5 * rate * maxNorm, "update norm " + Math.sqrt(squares));
        }
    }
}
