package dev.striate.core.train;

import dev.striate.core.UserException;

/**
 * The loss or the gradient norm became NaN or infinite. Training stops before the step's update and writes no
 * checkpoint, so the last one on disk stays that of a good step; the message names the step and what to change.
 */
public final class TrainingDivergedException extends UserException {
    private final long step;

    public TrainingDivergedException(String what, long step, int epoch, int batch) {
        super(what + " at step " + step + " (epoch " + (epoch + 1) + ", batch " + (batch + 1)
                + "); training stopped before applying it: lower --lr, or set --clip-grad-norm");
        this.step = step;
    }

    /** The global step (from 0) whose loss or gradients were not finite. */
    public long step() {
        return step;
    }
}
