package dev.striate.core.train;

import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.exec.MemoryPlan;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Parameter;
import java.util.Locale;

/**
 * How many values a model keeps while it trains or evaluates, counted from its graph before anything is allocated,
 * so that a model too large for the memory at hand is refused in one line instead of running out of memory.
 * Training keeps each parameter with its gradient and the optimizer's moments; evaluation keeps the parameters. The
 * activations are the peak of the step's {@link MemoryPlan}, which is what the executors of training and evaluation
 * hold ({@link dev.striate.core.backend.Backend#compile(Graph, dev.striate.core.exec.ParameterStore, PlanRequest)}),
 * with the graph inputs once more for each further copy a backend keeps of them
 * ({@link Backend#stagedInputCopies()}: a GPU copies the next batch into a spare while the current one is read).
 *
 * @param activationValues the plan's peak, graph inputs counted once
 * @param inputValues      the graph inputs' values, part of {@code activationValues}
 */
public record MemoryEstimate(long parameterValues, long activationValues, long inputValues, String use) {

    /** For training a model (its graph without the loss) with an optimizer that keeps {@code stateSlots} moments. */
    public static MemoryEstimate training(Graph model, int stateSlots) {
        Graph graph = ClassifierGraphs.training(model, 0);
        return of(model, 2 + stateSlots, MemoryPlan.of(graph, ClassifierGraphs.trainingPlan(graph)), "training");
    }

    /** For evaluation and prediction: parameters, and the outputs of a forward pass that keeps the graph's outputs. */
    public static MemoryEstimate inference(Graph graph) {
        return of(graph, 1, MemoryPlan.of(graph, PlanRequest.forwardOnly(graph.outputs())), "evaluation");
    }

    private static MemoryEstimate of(Graph graph, int copiesPerParameter, MemoryPlan plan, String use) {
        long parameters = 0;
        for (Parameter p : graph.parameters()) {
            parameters += p.spec().shape().size() * (p.trainable() ? copiesPerParameter : 1);
        }
        return new MemoryEstimate(parameters, plan.peakValues(), plan.inputValues(), use);
    }

    /** The activations with {@code inputCopies} copies of the graph inputs. */
    public long activationValues(int inputCopies) {
        return activationValues + (inputCopies - 1L) * inputValues;
    }

    /**
     * The bytes of the activations: node values and gradients at {@code activationBytes} each; the graph inputs at
     * {@code bytesPerValue} in each of {@code inputCopies} copies, plus one copy at {@code activationBytes} when a
     * backend converts them to its activation type (bf16: labels are counted as converted too, a few values).
     */
    public long activationBytes(int bytesPerValue, int activationBytes, int inputCopies) {
        long converted = activationBytes != bytesPerValue ? inputValues * activationBytes : 0;
        return (activationValues - inputValues) * activationBytes + inputCopies * inputValues * bytesPerValue
                + converted;
    }

    public long bytes(int bytesPerValue, int activationBytes, int inputCopies) {
        return parameterValues * bytesPerValue + activationBytes(bytesPerValue, activationBytes, inputCopies);
    }

    /** Refuses, with the sizes and the limit, when the estimate is more than {@code backend} can hold. */
    public void requireFits(Backend backend, String advice) {
        int bytesPerValue = backend.bytesPerValue();
        int activationBytes = backend.activationBytesPerValue();
        int inputCopies = backend.stagedInputCopies();
        long capacity = backend.memoryCapacity();
        long bytes = bytes(bytesPerValue, activationBytes, inputCopies);
        if (bytes <= capacity) {
            return;
        }
        throw new UserException(String.format(Locale.ROOT, "the model needs about %s for %s (%s parameters%s, %s"
                        + " activations), more than the %s the %s backend can use; %s", human(bytes), use,
                human(parameterValues * bytesPerValue), use.equals("training") ? " with gradients and optimizer state"
                        : "", human(activationBytes(bytesPerValue, activationBytes, inputCopies)), human(capacity),
                backend.name(), advice));
    }

    private static String human(long bytes) {
        double gib = bytes / (1024.0 * 1024 * 1024);
        return gib >= 1 ? String.format(Locale.ROOT, "%.1f GiB", gib)
                : String.format(Locale.ROOT, "%.0f MiB", Math.ceil(bytes / (1024.0 * 1024)));
    }
}
