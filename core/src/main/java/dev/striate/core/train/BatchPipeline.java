package dev.striate.core.train;

import dev.striate.core.data.Batch;
import dev.striate.core.exec.Executor;
import java.util.Iterator;

/**
 * A loader's batches taken one ahead of the work that uses them: while batch k's step is queued on the backend,
 * {@link #next} takes batch k+1 and starts its copy ({@link ExecutorCache#stage}), so that the copy overlaps batch
 * k's compute and the host waits once, for batch k's results. A loader refills a batch's memory at its next
 * {@code next()}, so batch k's copy must have read it before batch k+1 is taken; {@link #close} waits for the last
 * copy, before a checkpoint, a stop or the end of the epoch hands the loader's memory back.
 */
final class BatchPipeline implements AutoCloseable {
    private final Iterator<Batch> batches;
    private final ExecutorCache executors;
    /** The executor whose staged copies may still be reading the loader's memory. */
    private Executor copying;
    /** A batch taken but not staged yet, because its executor would have replaced the one running. */
    private Batch deferred;

    BatchPipeline(Iterator<Batch> batches, ExecutorCache executors) {
        this.batches = batches;
        this.executors = executors;
    }

    /** The first batch, its copy started; null when there is none. */
    Batch first() {
        if (!batches.hasNext()) {
            return null;
        }
        Batch batch = batches.next();
        copying = executors.stage(batch);
        return batch;
    }

    /**
     * While {@code running} has the current batch's work queued: takes the next batch and starts its copy; null at
     * the end. Call {@link #resultsRead()} once the current batch's results are read.
     */
    Batch next(Executor running) {
        if (!batches.hasNext()) {
            return null;
        }
        awaitCopies();
        Batch batch = batches.next();
        if (executors.wouldClose(batch.size(), running)) {
            deferred = batch;
        } else {
            copying = executors.stage(batch);
        }
        return batch;
    }

    /** The current batch's results are read: a next batch that could not be staged beside it is staged now. */
    void resultsRead() {
        if (deferred != null) {
            copying = executors.stage(deferred);
            deferred = null;
        }
    }

    /** Waits until every copy started has read the loader's memory. */
    void awaitCopies() {
        if (copying != null) {
            copying.awaitStagedSources();
            copying = null;
        }
    }

    @Override
    public void close() {
        awaitCopies();
    }
}
