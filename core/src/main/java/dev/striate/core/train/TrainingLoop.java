package dev.striate.core.train;

import dev.striate.core.Plural;
import dev.striate.core.UserException;
import dev.striate.core.data.Batch;
import dev.striate.core.data.Loader;
import dev.striate.core.io.StateDicts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Epochs of training with validation, metrics and checkpoints. After each epoch: validation, the schedule's
 * end-of-epoch step, a metrics row, {@code best/} when validation top-1 improved, and {@code last/}; with
 * {@code --checkpoint-every K} also {@code last/} after every K-th batch, so that a kill in the middle of an epoch
 * loses at most K batches. A run resumed from {@code last/} computes exactly what the uninterrupted run would have:
 * every random stream is a function of a seed and a position that the checkpoint records. {@link #requestStop()}
 * (Ctrl-C) ends the run after the current batch with {@code last/} at that position, as {@code --checkpoint-every}
 * writes it, so that {@code --resume} continues from there.
 */
public final class TrainingLoop {
    private final Trainer trainer;
    private final Loader trainLoader;
    private final Loader valLoader;
    private final List<String> classes;
    private final RunDirectory run;
    private final TrainingConfig config;
    private final String modelName;
    private final String specJson;
    private final String configJson;
    private final TrainingListener listener;
    private final Set<String> reportedSkips = new HashSet<>();
    /** The learning rate of the latest step, which the epoch's metrics row reports. */
    private double lastRate = Double.NaN;
    /** Set from a signal handler's thread; read between batches. */
    private volatile boolean stopRequested;

    /** The sums of an epoch's batches, and the position saved when a stop request ended it early (else null). */
    private record EpochResult(EpochProgress progress, CheckpointState stoppedAt) {
    }

    /**
     * @param specJson   the model spec, stored in every checkpoint so it can be rebuilt without the original file
     * @param configJson the run's {@code config.json}, stored in every checkpoint too
     */
    public TrainingLoop(Trainer trainer, Loader trainLoader, Loader valLoader, List<String> classes,
                        RunDirectory run, TrainingConfig config, String modelName, String specJson,
                        String configJson, TrainingListener listener) {
        this.trainer = trainer;
        this.trainLoader = trainLoader;
        this.valLoader = valLoader;
        this.classes = List.copyOf(classes);
        this.run = run;
        this.config = config;
        this.modelName = modelName;
        this.specJson = specJson;
        this.configJson = configJson;
        this.listener = listener;
    }

    /** Where a new run starts: epoch 0, batch 0, nothing validated yet. */
    public CheckpointState initialState() {
        TrainerSettings settings = trainer.settings();
        return new CheckpointState(CheckpointState.FORMAT, modelName, classes, 0, 0, 0, 0,
                trainer.schedule().state(), settings.initSeed(), config.seed(), settings.dropoutSeed(),
                EpochProgress.start(), Double.NaN, 0, 0);
    }

    /**
     * Puts a checkpoint's weights, optimizer state, schedule state and step count into the trainer, after checking
     * that it belongs to this model, class list and seed; returns the state to continue from.
     */
    public CheckpointState restore(CheckpointContents checkpoint, String source) {
        CheckpointState state = checkpoint.state();
        if (!state.model().equals(modelName)) {
            throw new UserException(source + " is a checkpoint of model '" + state.model() + "', not '" + modelName
                    + "'; resume with the model it was trained with");
        }
        if (!state.classes().equals(classes)) {
            throw new UserException(source + " was trained on " + Plural.of(state.classes().size(), "class", "classes")
                    + " " + abbreviated(state.classes()) + " but --data has " + classes.size() + " " + abbreviated(classes)
                    + "; resume with the data the run was trained on");
        }
        TrainerSettings settings = trainer.settings();
        if (state.initSeed() != settings.initSeed() || state.loaderSeed() != config.seed()
                || state.dropoutSeed() != settings.dropoutSeed()) {
            throw new UserException(source + " was written with another --seed; resume with the run's own seed");
        }
        StateDicts.load(trainer.parameters(), checkpoint.weights(), source, modelName);
        trainer.optimizer().restoreState(checkpoint.optimizerState(), state.optimizerSteps());
        trainer.schedule().restore(state.schedule());
        trainer.restoreGlobalStep(state.globalStep());
        return state;
    }

    private static String abbreviated(List<String> names) {
        List<String> shown = names.subList(0, Math.min(5, names.size()));
        return "(" + String.join(", ", shown) + (names.size() > shown.size() ? ", ..." : "") + ")";
    }

    /**
     * Asks the run to stop after the batch it is training (or, in validation, after the epoch's checkpoint); safe to
     * call from any thread.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /** Trains from {@code start} to {@code --epochs}, until early stopping, or until {@link #requestStop()}. */
    public TrainingOutcome run(CheckpointState start) throws IOException {
        List<EpochMetrics> history = new ArrayList<>(run.metrics().keepFirst(start.epoch()));
        CheckpointState state = start;
        Evaluation validation = null;
        boolean stoppedEarly = false;
        while (state.epoch() < config.epochs() && !stoppedEarly) {
            if (stopRequested && state != start) {
                // Asked during validation: the end-of-epoch checkpoint just written holds this position.
                return new TrainingOutcome(history, validation, state.bestTop1(), state.bestEpoch(), false, state);
            }
            int epoch = state.epoch();
            EpochResult trained = trainEpoch(state);
            if (trained.stoppedAt() != null) {
                return new TrainingOutcome(history, validation, state.bestTop1(), state.bestEpoch(), false,
                        trained.stoppedAt());
            }
            EpochProgress progress = trained.progress();
            long validationStarted = System.nanoTime();
            listener.validationStarted(epoch, valLoader.batchesPerEpoch());
            validation = trainer.evaluator().evaluate(valLoader.epoch(0, 0), classes,
                    listener::validationBatchFinished);
            trainer.schedule().endOfEpoch(epoch, validation.top1());
            boolean improved = Double.isNaN(state.bestTop1()) || validation.top1() > state.bestTop1();
            double best = improved ? validation.top1() : state.bestTop1();
            int bestEpoch = improved ? epoch + 1 : state.bestEpoch();
            int withoutImprovement = improved ? 0 : state.epochsWithoutImprovement() + 1;
            double seconds = progress.seconds() + (System.nanoTime() - validationStarted) / 1e9;
            EpochMetrics row = new EpochMetrics(epoch + 1, progress.meanLoss(), progress.accuracy(), validation.loss(),
                    validation.top1(), validation.top5(), lastRate, progress.images() / progress.seconds(), seconds,
                    progress.skipped());
            run.metrics().append(row);
            history.add(row);
            listener.epochFinished(row, validation, List.copyOf(history));
            state = stateAt(epoch + 1, 0, EpochProgress.start(), best, bestEpoch, withoutImprovement);
            if (improved) {
                writeCheckpoint(run.best(), state);
            }
            writeCheckpoint(run.last(), state);
            if (config.patience() > 0 && withoutImprovement >= config.patience()) {
                stoppedEarly = state.epoch() < config.epochs();
                if (stoppedEarly) {
                    listener.notice("early stopping: validation top-1 has not improved for " + withoutImprovement
                            + (withoutImprovement == 1 ? " epoch" : " epochs") + " (best " + String.format("%.4f", best)
                            + " at epoch " + bestEpoch + ")");
                }
            }
            if (!stoppedEarly && state.epoch() < config.epochs()) {
                String reason = listener.stopReason(row);
                if (reason != null) {
                    stoppedEarly = true;
                    listener.notice("stopped after epoch " + state.epoch() + ": " + reason);
                }
            }
        }
        return new TrainingOutcome(history, validation, state.bestTop1(), state.bestEpoch(), stoppedEarly, null);
    }

    /**
     * The batches of one epoch from the state's position, or up to a requested stop. Batch k+1 is taken and its copy
     * started while batch k's step is queued ({@link BatchPipeline}); a stop or a checkpoint waits for that copy, and
     * the batch, not yet trained, is trained from the checkpoint's position when the run resumes.
     */
    private EpochResult trainEpoch(CheckpointState state) throws IOException {
        int epoch = state.epoch();
        int batches = trainLoader.batchesPerEpoch();
        EpochProgress progress = state.progress();
        listener.epochStarted(epoch, config.epochs(), state.batch(), batches);
        try (BatchPipeline pipeline = new BatchPipeline(trainLoader.epoch(epoch, state.batch()),
                trainer.executors())) {
            long before = System.nanoTime();
            Batch batch = pipeline.first();
            while (batch != null) {
                for (String reason : batch.skipped()) {
                    if (reportedSkips.add(reason)) {
                        listener.fileSkipped(reason);
                    }
                }
                QueuedStep queued = trainer.queueStep(batch.labels(), batch.index(), epoch, batches);
                Batch next = stopRequested ? null : pipeline.next(queued.executor());
                StepResult step = trainer.finishStep(queued);
                pipeline.resultsRead();
                long now = System.nanoTime();
                progress = progress.plus(step, batch.skipped().size(), (now - before) / 1e9);
                before = now;
                lastRate = step.learningRate();
                listener.batchFinished(epoch, batch.index(), batches, progress, step);
                int done = batch.index() + 1;
                boolean stop = stopRequested && done < batches;
                if (stop || config.checkpointEvery() > 0 && done % config.checkpointEvery() == 0 && done < batches) {
                    pipeline.awaitCopies();
                    CheckpointState position = stateAt(epoch, done, progress, state.bestTop1(), state.bestEpoch(),
                            state.epochsWithoutImprovement());
                    writeCheckpoint(run.last(), position);
                    if (stop) {
                        return new EpochResult(progress, position);
                    }
                    before = System.nanoTime();
                }
                batch = next;
            }
        }
        return new EpochResult(progress, null);
    }

    private CheckpointState stateAt(int epoch, int batch, EpochProgress progress, double bestTop1, int bestEpoch,
                                    int withoutImprovement) {
        TrainerSettings settings = trainer.settings();
        return new CheckpointState(CheckpointState.FORMAT, modelName, classes, epoch, batch, trainer.globalStep(),
                trainer.optimizer().stepCount(), trainer.schedule().state(), settings.initSeed(), config.seed(),
                settings.dropoutSeed(), progress, bestTop1, bestEpoch, withoutImprovement);
    }

    private void writeCheckpoint(Path directory, CheckpointState state) throws IOException {
        Checkpoint.write(directory, new CheckpointContents(state, StateDicts.capture(trainer.parameters()),
                trainer.optimizer().stateToHost(), specJson, configJson));
        listener.checkpointWritten(directory, state.epoch(), state.batch());
    }
}
