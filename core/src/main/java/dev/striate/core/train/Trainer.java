package dev.striate.core.train;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.RunContext;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.data.Batch;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.optim.LearningRateSchedule;
import dev.striate.core.optim.Optimizer;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Trains a classifier one batch at a time: the model's graph plus labels and a cross-entropy loss, one parameter
 * store shared by an executor per batch size, an optimizer and a learning-rate schedule. A step is forward
 * (training mode, dropout seeded by the global step), zero gradients, backward from the loss, optional clipping by
 * global norm, and the optimizer's update at the schedule's rate. The host waits for the device once per step: the
 * loss, the gradients' global norm and the predictions are read together after backward, and checked: a NaN or
 * infinite loss or norm stops before the update, so the trainable parameters stay those of the last good
 * step (batch-norm running statistics have moved in its forward pass; the run stops without writing a checkpoint).
 * Frozen parameters ({@link TrainerSettings#freeze()}) are never updated, and batch norms among them keep their
 * running statistics.
 */
public final class Trainer implements AutoCloseable {
    private final ExecutorCache executors;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final TrainerSettings settings;
    private final String logits;
    private long globalStep;

    public Trainer(Graph model, Backend backend, TrainerSettings settings) {
        Set<String> frozen = FrozenParameters.resolve(model, settings.freeze());
        Graph graph = ClassifierGraphs.training(FrozenParameters.apply(model, frozen), settings.labelSmoothing());
        ParameterStore store = ParameterStore.initialize(graph, backend, settings.initSeed());
        this.executors = new ExecutorCache(graph, backend, store, ClassifierGraphs.trainingPlan(graph));
        Set<String> noDecay = new LinkedHashSet<>(settings.noDecayBiasBn() ? Optimizer.biasAndNormParameters(graph)
                : Set.of());
        noDecay.removeAll(frozen);
        this.optimizer = new Optimizer(settings.rule(), store, noDecay, frozen);
        this.schedule = settings.schedule();
        this.settings = settings;
        this.logits = ClassifierGraphs.logits(graph);
    }

    public ParameterStore parameters() {
        return executors.store();
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public LearningRateSchedule schedule() {
        return schedule;
    }

    public TrainerSettings settings() {
        return settings;
    }

    /** The training graph (model, labels, loss) at the model's batch size. */
    public Graph graph() {
        return executors.graph();
    }

    /** An evaluator sharing this trainer's parameters and executors. */
    public Evaluator evaluator() {
        return new Evaluator(executors);
    }

    /** Steps taken so far, counting from 0; the dropout masks of the next step derive from it. */
    public long globalStep() {
        return globalStep;
    }

    /** Continues counting from a checkpoint's step. */
    public void restoreGlobalStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must not be negative, got " + step);
        }
        globalStep = step;
    }

    /** One optimization step on a batch, which is batch {@code batch.index()} of {@code batchesPerEpoch}. */
    public StepResult step(Batch batch, int epoch, int batchesPerEpoch) {
        executors.feed(batch);
        return stepOnFedBatch(batch.labels(), batch.index(), epoch, batchesPerEpoch);
    }

    /**
     * Starts copying a batch to the executor of its size, as the training loop stages each batch ({@link
     * ExecutorCache#stage}); the next {@link #stepOnFedBatch} of that size trains on it. Its memory must stay unchanged
     * until that step has returned. {@code striate memcheck} steps this way, so that it checks the memory of the path
     * training takes (page-locked copies on a GPU's copy stream into a spare input buffer).
     */
    public void stage(Batch batch) {
        executors.stage(batch);
    }

    /**
     * One optimization step on the batch last fed or staged to the executor of {@code labels.length} images, without
     * feeding it again: {@code striate bench} feeds synthetic data once and steps on it, as data resident on the device.
     */
    public StepResult stepOnFedBatch(int[] labels, int batchIndex, int epoch, int batchesPerEpoch) {
        return finishStep(queueStep(labels, batchIndex, epoch, batchesPerEpoch));
    }

    /**
     * Queues a step's forward pass, backward pass, gradient Σ x² and top-1 predictions on the batch last fed or staged
     * to the executor of {@code labels.length} images, and reads nothing: the caller may take the next batch and
     * start its copy before {@link #finishStep} waits for the results.
     */
    QueuedStep queueStep(int[] labels, int batchIndex, int epoch, int batchesPerEpoch) {
        Executor executor = executors.executor(labels.length);
        Backend backend = executors.backend();
        Tensor predictions = backend.allocate(Shape.of(labels.length), DType.I32, TensorRole.SCRATCH);
        Tensor squaredNorm = backend.allocate(Shape.of(1), DType.F64, TensorRole.SCRATCH);
        try {
            executor.forward(RunContext.training(settings.dropoutSeed(), globalStep));
            backend.topK(executor.value(logits), 1, predictions);
            executors.store().zeroGradients();
            executor.backward(ClassifierGraphs.LOSS);
            backend.sumOfSquares(optimizer.updatedNames().stream().map(executors.store()::gradient).toList(),
                    squaredNorm);
        } catch (RuntimeException | Error e) {
            backend.release(predictions);
            backend.release(squaredNorm);
            throw e;
        }
        return new QueuedStep(executor, labels.clone(), squaredNorm, predictions, batchIndex, epoch, batchesPerEpoch);
    }

    /**
     * Reads a queued step's loss, gradient norm and predictions in one wait, then, when the loss and the norm are
     * finite, clips and queues the update. Why one wait here: the update must know both numbers before it is queued
     * (a NaN never reaches the weights, and clipping needs the norm), and reading them together after backward costs
     * one synchronization instead of three (loss, top-1, norm). Waiting after the update instead would let the update
     * overlap the next step's host work, but the update would then have to check the numbers on the device; the
     * next batch's copy, the larger overlap, already runs during this wait.
     */
    StepResult finishStep(QueuedStep step) {
        Backend backend = executors.backend();
        List<double[]> results;
        try {
            results = backend.read(List.of(step.executor().value(ClassifierGraphs.LOSS), step.squaredNorm(),
                    step.predictions()));
        } finally {
            backend.release(step.squaredNorm());
            backend.release(step.predictions());
        }
        double loss = results.get(0)[0];
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException("the loss is " + loss, globalStep, step.epoch(), step.batchIndex());
        }
        double norm = Math.sqrt(results.get(1)[0]);
        if (settings.clipGradNorm() > 0) {
            optimizer.clipGradientNorm(settings.clipGradNorm(), norm);
        }
        if (!Double.isFinite(norm)) {
            throw new TrainingDivergedException("the gradient norm is " + norm, globalStep, step.epoch(),
                    step.batchIndex());
        }
        double rate = schedule.rate(step.epoch(), step.batchIndex(), step.batchesPerEpoch());
        optimizer.step(rate);
        globalStep++;
        double[] predicted = results.get(2);
        int[] labels = step.labels();
        int correct = 0;
        for (int row = 0; row < labels.length; row++) {
            if ((int) predicted[row] == labels[row]) {
                correct++;
            }
        }
        return new StepResult(loss, correct, labels.length, rate);
    }

    /** The executors of this trainer's graph, one per batch size, for the training loop's batch pipeline. */
    ExecutorCache executors() {
        return executors;
    }

    @Override
    public void close() {
        executors.close();
        optimizer.close();
        executors.store().close();
    }
}
