package dev.striate.core.train;

import dev.striate.core.exec.Executor;
import dev.striate.core.tensor.Tensor;

/**
 * A training step whose work is queued on the backend and whose results are not read yet
 * ({@link Trainer#queueStep}): the executor it ran on, a copy of the batch's labels (the loader refills its own at
 * the next batch), where the gradients' Σ x² and the top-1 predictions are being computed, and the batch's position.
 */
record QueuedStep(Executor executor, int[] labels, Tensor squaredNorm, Tensor predictions, int batchIndex, int epoch,
                  int batchesPerEpoch) {
}
