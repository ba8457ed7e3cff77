package dev.striate.cpu.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.data.Loader;
import dev.striate.core.data.TransformPipeline;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.StateDicts;
import dev.striate.core.train.Checkpoint;
import dev.striate.core.train.CheckpointContents;
import dev.striate.core.train.CheckpointState;
import dev.striate.core.train.EpochMetrics;
import dev.striate.core.train.EpochProgress;
import dev.striate.core.train.MetricsLog;
import dev.striate.core.train.RunDirectory;
import dev.striate.core.train.StepResult;
import dev.striate.core.train.Trainer;
import dev.striate.core.train.TrainerSettings;
import dev.striate.core.train.TrainingConfig;
import dev.striate.core.train.TrainingConfigParser;
import dev.striate.core.train.TrainingListener;
import dev.striate.core.train.TrainingLoop;
import dev.striate.core.train.TrainingOutcome;
import dev.striate.cpu.CpuBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLoopTest {
    /** Resumed and uninterrupted runs do the same float64 arithmetic in the same order: equal to rounding noise. */
    static final double RELATIVE_TOLERANCE = 1e-12;
    static final StripesDataset TRAIN = new StripesDataset(100, 1, Set.of(5, 42));
    static final StripesDataset VAL = new StripesDataset(30, 2, Set.of());

    @TempDir
    Path folder;

    static TrainingConfig config(Path out, int epochs, int checkpointEvery, int workers, String... more) {
        ObjectNode settings = JsonNodeFactory.instance.objectNode().put("model", "stripes").put("data", "memory")
                .put("epochs", epochs).put("batch", 16).put("optimizer", "sgd").put("lr", 0.05).put("seed", 11)
                .put("schedule", "cosine").put("warmup-epochs", 1).put("weight-decay", 1e-4)
                .put("checkpoint-every", checkpointEvery).put("workers", workers).put("out", out.toString());
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < more.length; i += 2) {
            flags.put(more[i], more[i + 1]);
        }
        return TrainingConfigParser.resolve(TrainingConfigParser.overlay(settings, flags), "test");
    }

    /** A trainer, its loaders and its loop over the stripes data, as the command line puts them together. */
    static final class Session implements AutoCloseable {
        final CpuBackend backend = new CpuBackend();
        final Trainer trainer;
        final Loader train;
        final Loader val;
        final TrainingLoop loop;
        final RunDirectory run;

        Session(TrainingConfig config, RunDirectory run, TrainingListener listener) throws IOException {
            this.run = run;
            // The command line records the run's settings before training; resuming looks for them.
            run.writeAtomically(run.config(), config.toJson().toString().getBytes(StandardCharsets.UTF_8));
            trainer = new Trainer(TinyModels.stripes(config.batch()), backend, TrainerSettings.from(config));
            TransformPipeline plain = TransformPipeline.plain(1, StripesDataset.SIDE, StripesDataset.SIDE);
            train = new Loader(TRAIN, plain, config.batch(), true, false, config.workers(), config.seed());
            val = new Loader(VAL, plain, config.batch(), false, false, config.workers(), config.seed());
            loop = new TrainingLoop(trainer, train, val, TRAIN.classes(), run, config, "stripes",
                    "{\"name\": \"stripes\"}", "{\"settings\": {}}", listener);
        }

        @Override
        public void close() throws IOException {
            train.close();
            val.close();
            trainer.close();
            run.close();
        }
    }

    /** What a SIGKILL does to the process, thrown right after a checkpoint was written. */
    static final class Killed extends RuntimeException {
        Killed() {
            super("killed");
        }
    }

    @Test
    void runResumedInTheMiddleOfAnEpochComputesWhatTheUninterruptedRunDid() throws IOException {
        Path whole = folder.resolve("whole");
        TrainingOutcome expected;
        Map<String, HostTensor> expectedWeights;
        try (Session session = new Session(config(whole, 3, 2, 1), RunDirectory.create(whole),
                new TrainingListener() { })) {
            expected = session.loop.run(session.loop.initialState());
            expectedWeights = StateDicts.capture(session.trainer.parameters());
        }

        Path interrupted = folder.resolve("interrupted");
        TrainingListener killer = new TrainingListener() {
            @Override
            public void checkpointWritten(Path directory, int epoch, int batch) {
                if (epoch == 1 && batch == 4) {
                    throw new Killed();
                }
            }
        };
        try (Session session = new Session(config(interrupted, 3, 2, 1), RunDirectory.create(interrupted), killer)) {
            assertThrows(Killed.class, () -> session.loop.run(session.loop.initialState()));
        }
        CheckpointState saved = Checkpoint.read(interrupted.resolve(Checkpoint.LAST)).state();
        assertEquals(1, saved.epoch());
        assertEquals(4, saved.batch());

        RunDirectory resumed = RunDirectory.existing(interrupted);
        TrainingOutcome actual;
        try (Session session = new Session(config(interrupted, 3, 2, 3), resumed, new TrainingListener() { })) {
            CheckpointState start = session.loop.restore(Checkpoint.read(resumed.last()), "last");
            actual = session.loop.run(start);
            assertSameWeights(expectedWeights, StateDicts.capture(session.trainer.parameters()));
        }
        assertEquals(3, actual.history().size());
        for (int i = 0; i < 3; i++) {
            assertSameMetrics(expected.history().get(i), actual.history().get(i));
        }
        assertEquals(expected.history(), readBack(whole));
        assertSameMetrics(expected.history().getLast(), readBack(interrupted).getLast());
    }

    @Test
    void aStopRequestEndsTheRunAfterTheCurrentBatchWithACheckpointThatResumesExactly() throws IOException {
        Path whole = folder.resolve("whole");
        Map<String, HostTensor> expectedWeights;
        try (Session session = new Session(config(whole, 2, 0, 1), RunDirectory.create(whole),
                new TrainingListener() { })) {
            session.loop.run(session.loop.initialState());
            expectedWeights = StateDicts.capture(session.trainer.parameters());
        }

        Path stopped = folder.resolve("stopped");
        TrainingOutcome outcome;
        TrainingLoop[] current = new TrainingLoop[1];
        TrainingListener ctrlC = new TrainingListener() {
            @Override
            public void batchFinished(int epoch, int batch, int batches, EpochProgress progress, StepResult step) {
                if (epoch == 0 && batch == 2) {
                    current[0].requestStop();
                }
            }
        };
        try (Session session = new Session(config(stopped, 2, 0, 1), RunDirectory.create(stopped), ctrlC)) {
            current[0] = session.loop;
            outcome = session.loop.run(session.loop.initialState());
        }
        assertEquals(0, outcome.interruptedAt().epoch());
        assertEquals(3, outcome.interruptedAt().batch(), "stopped after the batch in progress, the third");
        assertEquals(List.of(), outcome.history());
        CheckpointState saved = Checkpoint.read(stopped.resolve(Checkpoint.LAST)).state();
        assertEquals(3, saved.batch());

        RunDirectory resumed = RunDirectory.existing(stopped);
        try (Session session = new Session(config(stopped, 2, 0, 1), resumed, new TrainingListener() { })) {
            TrainingOutcome rest = session.loop.run(session.loop.restore(Checkpoint.read(resumed.last()), "last"));
            assertEquals(null, rest.interruptedAt());
            assertSameWeights(expectedWeights, StateDicts.capture(session.trainer.parameters()));
        }
    }

    @Test
    void unreadableFilesAreSkippedNamedOnceAndCountedEachEpoch() throws IOException {
        Path out = folder.resolve("run");
        List<String> skipped = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void fileSkipped(String reason) {
                skipped.add(reason);
            }
        };
        TrainingOutcome outcome;
        try (Session session = new Session(config(out, 2, 0, 2), RunDirectory.create(out), listener)) {
            outcome = session.loop.run(session.loop.initialState());
        }
        assertEquals(2, skipped.size());
        assertTrue(skipped.contains("stripes/5.png: not an image (made unreadable on purpose)"), skipped.toString());
        for (EpochMetrics row : outcome.history()) {
            assertEquals(2, row.skippedFiles());
        }
    }

    @Test
    void smallNetworkLearnsTheStripes() throws IOException {
        Path out = folder.resolve("run");
        TrainingOutcome outcome;
        try (Session session = new Session(config(out, 20, 0, 2, "optimizer", "adam", "lr", "0.01",
                "schedule", "constant", "warmup-epochs", "0"),
                RunDirectory.create(out), new TrainingListener() { })) {
            outcome = session.loop.run(session.loop.initialState());
        }
        EpochMetrics first = outcome.history().getFirst();
        EpochMetrics last = outcome.history().getLast();
        assertTrue(last.trainLoss() < 0.5 * first.trainLoss(), outcome.history().toString());
        assertTrue(last.valTop1() >= 0.9, outcome.history().toString());
        assertEquals(1.0, last.valTop5(), 1e-12);
        assertTrue(Files.isDirectory(out.resolve(Checkpoint.BEST)));
        assertEquals(outcome.bestEpoch(), Checkpoint.read(out.resolve(Checkpoint.BEST)).state().epoch());
    }

    @Test
    void earlyStoppingEndsARunThatNoLongerImproves() throws IOException {
        Path out = folder.resolve("run");
        List<String> notices = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void notice(String line) {
                notices.add(line);
            }
        };
        TrainingOutcome outcome;
        // A rate this small leaves the predictions, and so validation top-1, as they were after epoch 1.
        try (Session session = new Session(config(out, 10, 0, 2, "lr", "1e-12", "patience", "2"),
                RunDirectory.create(out), listener)) {
            outcome = session.loop.run(session.loop.initialState());
        }
        assertTrue(outcome.stoppedEarly());
        assertEquals(3, outcome.history().size());
        assertEquals(1, outcome.bestEpoch());
        assertEquals(1, notices.size());
        assertTrue(notices.getFirst().startsWith("early stopping"), notices.getFirst());
    }

    @Test
    void aListenerCanStopTheRunAfterAnEpochWithItsCheckpointWritten() throws IOException {
        Path out = folder.resolve("run");
        List<Integer> asked = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public String stopReason(EpochMetrics metrics) {
                asked.add(metrics.epoch());
                return metrics.epoch() == 2 ? "pruned" : null;
            }
        };
        TrainingOutcome outcome;
        try (Session session = new Session(config(out, 4, 0, 1), RunDirectory.create(out), listener)) {
            outcome = session.loop.run(session.loop.initialState());
        }
        assertTrue(outcome.stoppedEarly());
        assertEquals(2, outcome.history().size());
        assertEquals(List.of(1, 2), asked);
        assertEquals(2, Checkpoint.read(out.resolve(Checkpoint.LAST)).state().epoch());
    }

    @Test
    void checkpointOfAnotherClassListIsRefused() throws IOException {
        Path out = folder.resolve("run");
        try (Session session = new Session(config(out, 1, 0, 1), RunDirectory.create(out),
                new TrainingListener() { })) {
            session.loop.run(session.loop.initialState());
        }
        CheckpointContents checkpoint = Checkpoint.read(out.resolve(Checkpoint.LAST));
        CheckpointState state = checkpoint.state();
        CheckpointState otherClasses = new CheckpointState(state.format(), state.model(), List.of("a", "b", "c"),
                state.epoch(), state.batch(), state.globalStep(), state.optimizerSteps(), state.schedule(),
                state.initSeed(), state.loaderSeed(), state.dropoutSeed(), state.progress(), state.bestTop1(),
                state.bestEpoch(), state.epochsWithoutImprovement());
        try (Session session = new Session(config(out, 2, 0, 1), RunDirectory.existing(out),
                new TrainingListener() { })) {
            UserException e = assertThrows(UserException.class, () -> session.loop.restore(
                    new CheckpointContents(otherClasses, checkpoint.weights(),
                            checkpoint.optimizerState(), checkpoint.specJson(), checkpoint.configJson()), "last"));
            assertTrue(e.getMessage().contains("was trained on 3 classes"), e.getMessage());
        }
    }

    private static List<EpochMetrics> readBack(Path run) {
        return new MetricsLog(run).read();
    }

    static void assertSameMetrics(EpochMetrics expected, EpochMetrics actual) {
        assertEquals(expected.epoch(), actual.epoch());
        assertClose(expected.trainLoss(), actual.trainLoss(), "train loss of epoch " + expected.epoch());
        assertClose(expected.trainAccuracy(), actual.trainAccuracy(), "train accuracy");
        assertClose(expected.valLoss(), actual.valLoss(), "validation loss");
        assertClose(expected.valTop1(), actual.valTop1(), "validation top-1");
        assertClose(expected.valTop5(), actual.valTop5(), "validation top-5");
        assertClose(expected.learningRate(), actual.learningRate(), "learning rate");
        assertEquals(expected.skippedFiles(), actual.skippedFiles());
    }

    static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, RELATIVE_TOLERANCE * Math.max(1, Math.abs(expected)), what);
    }

    private static void assertSameWeights(Map<String, HostTensor> expected, Map<String, HostTensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, tensor) -> {
            double[] a = actual.get(name).values();
            for (int i = 0; i < a.length; i++) {
                assertClose(tensor.values()[i], a[i], name + "[" + i + "]");
            }
        });
        assertFalse(expected.isEmpty());
    }
}
