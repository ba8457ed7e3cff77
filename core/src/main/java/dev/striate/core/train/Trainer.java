package dev.striate.core.train;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.RunContext;
import dev.striate.core.data.Batch;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.optim.LearningRateSchedule;
import dev.striate.core.optim.Optimizer;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Trains a classifier one batch at a time: the model's graph plus labels and a cross-entropy loss, one parameter
 * store shared by an executor per batch size, an optimizer and a learning-rate schedule. A step is forward
 * (training mode, dropout seeded by the global step), zero gradients, backward from the loss, optional clipping by
 * global norm, and the optimizer's update at the schedule's rate. The loss and the gradients' global norm are checked
 * every step: a NaN or infinite one stops before the update, so the trainable parameters stay those of the last good
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
     * One optimization step on the batch last fed to the executor of {@code labels.length} images, without feeding it
     * again: {@code striate bench} feeds synthetic data once and steps on it, as data resident on the device.
     */
    public StepResult stepOnFedBatch(int[] labels, int batchIndex, int epoch, int batchesPerEpoch) {
        Executor executor = executors.executor(labels.length);
        executor.forward(RunContext.training(settings.dropoutSeed(), globalStep));
        double loss = executor.read(ClassifierGraphs.LOSS)[0];
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException("the loss is " + loss, globalStep, epoch, batchIndex);
        }
        int[] predicted = executors.backend().topK(executor.value(logits), 1);
        executors.store().zeroGradients();
        executor.backward(ClassifierGraphs.LOSS);
        double norm = settings.clipGradNorm() > 0 ? optimizer.clipGradientNorm(settings.clipGradNorm())
                : gradientNorm();
        if (!Double.isFinite(norm)) {
            throw new TrainingDivergedException("the gradient norm is " + norm, globalStep, epoch, batchIndex);
        }
        double rate = schedule.rate(epoch, batchIndex, batchesPerEpoch);
        optimizer.step(rate);
        globalStep++;
        int correct = 0;
        for (int row = 0; row < labels.length; row++) {
            if (predicted[row] == labels[row]) {
                correct++;
            }
        }
        return new StepResult(loss, correct, labels.length, rate);
    }

    /** The global L2 norm of the gradients applied, checked every step so that a NaN never reaches the weights. */
    private double gradientNorm() {
        return Math.sqrt(executors.backend().sumOfSquares(optimizer.updatedNames().stream()
                .map(executors.store()::gradient).toList()));
    }

    @Override
    public void close() {
        executors.close();
        optimizer.close();
        executors.store().close();
    }
}
