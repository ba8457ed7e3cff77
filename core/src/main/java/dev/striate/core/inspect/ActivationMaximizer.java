package dev.striate.core.inspect;

import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.tensor.Shape;
import java.util.SplittableRandom;

/**
 * Maximum-response inputs by gradient ascent, as in the course: x₀ ~ U[0,1]^{C×H×W} and
 * x_{t+1} = x_t + γ ∇ₓ(f(x_t) − λ‖x_t‖²), where f is the goal (a channel's ‖h‖² or a class score) and λ an optional
 * L2 penalty that keeps the image from growing without bound. The gradient comes from the executor's backward from
 * the goal's node, so any backend that runs the model can run this. Each image of the executor's batch pursues its
 * own goal channel; the model's parameters are read, never changed.
 */
public final class ActivationMaximizer {
    private ActivationMaximizer() {
    }

    /**
     * Runs {@code steps} steps of size {@code stepSize} on {@code executor}, whose graph's batch equals the number of
     * goal channels and which has been asked for the gradient of {@code input}.
     */
    public static AscentResult maximize(Executor executor, String input, AscentGoal goal, int steps,
                                        double stepSize, double l2Penalty, long seed) {
        Shape imageShape = executor.graph().input(input).shape();
        Shape nodeShape = executor.graph().shapeOf(goal.node());
        int batch = goal.channels().length;
        if (imageShape.batch() != batch || nodeShape.rank() < 2) {
            throw new IllegalArgumentException("the executor's batch must be one image per goal channel (" + batch
                    + "), and the node must have a channel axis; got input " + imageShape + ", node " + nodeShape);
        }
        int channels = nodeShape.dim(1);
        int positions = (int) (nodeShape.sizePerItem() / channels);
        for (int channel : goal.channels()) {
            if (channel < 0 || channel >= channels) {
                throw new IllegalArgumentException("channel " + channel + " is out of range: '" + goal.node()
                        + "' has " + channels);
            }
        }
        double[] x = new double[(int) imageShape.size()];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble();
        }
        double[][] trajectory = new double[batch][steps + 1];
        for (int step = 0; ; step++) {
            executor.feed(input, x);
            executor.forward(RunContext.evaluation());
            double[] h = executor.read(goal.node());
            double[] outputGradient = new double[h.length];
            for (int b = 0; b < batch; b++) {
                int from = (b * channels + goal.channels()[b]) * positions;
                double value = 0;
                for (int p = from; p < from + positions; p++) {
                    value += goal.squaredNorm() ? h[p] * h[p] : h[p];
                    outputGradient[p] = goal.squaredNorm() ? 2 * h[p] : 1;
                }
                trajectory[b][step] = value;
            }
            if (step == steps) {
                return new AscentResult(x, trajectory);
            }
            executor.backward(goal.node(), outputGradient);
            double[] gradient = executor.inputGradient(input);
            for (int i = 0; i < x.length; i++) {
                x[i] += stepSize * (gradient[i] - 2 * l2Penalty * x[i]);
            }
        }
    }
}
