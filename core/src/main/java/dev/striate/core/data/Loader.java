package dev.striate.core.data;

import dev.striate.core.UserException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decodes and augments batches on worker threads while the caller trains on the previous one.
 *
 * <p>Determinism: the order of an epoch is a pure function of (seed, epoch), and every random choice for a
 * sample of (seed, epoch, sample index), so the same seed gives the same batches in the same order with any
 * number of workers, and {@code epoch(e, k)} continues exactly where an interrupted run left off at batch k.
 *
 * <p>Batch k holds the samples at positions [k * batchSize, (k + 1) * batchSize) of the epoch's order, less the
 * ones that cannot be decoded (named in {@link Batch#skipped}); if none of them can, it takes the next readable
 * samples of the order instead, so a batch is never empty. The last partial batch is kept unless
 * {@code dropLast}.
 *
 * <p>Memory: {@code PREFETCH + 1} reusable batch buffers, off the Java heap and page-aligned (a GPU backend pins
 * them): up to {@code PREFETCH} being filled, one held by the caller (valid until its next {@code next()}, see
 * {@link Batch}); they are freed by {@link #close}. A JPEG is decoded at the smallest DCT scale at which the crop
 * window still has the output's pixels, within the JVM-wide {@link DecodeBudget}. One caller thread at a time;
 * one epoch iterator at a time (a new {@code epoch()} ends the previous one).
 */
public final class Loader implements AutoCloseable {
    /** Batches prepared ahead of the one the caller holds: enough to hide decoding behind a training step. */
    static final int PREFETCH = 2;

    private final Dataset dataset;
    private final TransformPipeline transform;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final int workers;
    private final long seed;
    private final int itemSize;
    private final ExecutorService pool;
    private final Arena memory = Arena.ofShared();
    private final LoaderStatistics statistics = new LoaderStatistics();
    private final SampleFiller filler;
    private final ArrayDeque<BatchBuffer> freeBuffers = new ArrayDeque<>();
    private EpochIterator current;

    public Loader(Dataset dataset, TransformPipeline transform, int batchSize, boolean shuffle, boolean dropLast,
            int workers, long seed) {
        if (batchSize < 1) {
            throw new UserException("batch size must be at least 1, got " + batchSize);
        }
        if (workers < 1) {
            throw new UserException("workers must be at least 1, got " + workers);
        }
        if (dataset.size() == 0) {
            throw new DatasetException("the data set has no images to load");
        }
        if (dropLast && dataset.size() < batchSize) {
            throw new DatasetException("batch size " + batchSize + " is larger than the " + dataset.size()
                    + " images and the last partial batch is dropped: lower the batch size");
        }
        this.dataset = dataset;
        this.transform = transform;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.workers = workers;
        this.seed = seed;
        this.itemSize = transform.itemSize();
        this.pool = Executors.newFixedThreadPool(workers, daemonThreads());
        this.filler = new SampleFiller(dataset, transform, seed, statistics);
        for (int i = 0; i < PREFETCH + 1; i++) {
            freeBuffers.push(new BatchBuffer(memory, batchSize, itemSize));
        }
    }

    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The dataset indices in the order epoch {@code epoch} visits them. */
    public int[] order(int epoch) {
        int[] order = new int[dataset.size()];
        Arrays.setAll(order, i -> i);
        if (shuffle) {
            shuffle(order, Seeds.mix(seed, Seeds.SHUFFLE, epoch));
        }
        return order;
    }

    /** The batches of {@code epoch} from batch {@code startBatch} (0 for a whole epoch) to the end. */
    public Iterator<Batch> epoch(int epoch, int startBatch) {
        if (startBatch < 0 || startBatch > batchesPerEpoch()) {
            throw new IllegalArgumentException("start batch " + startBatch + " outside 0.." + batchesPerEpoch());
        }
        if (current != null) {
            current.close();
        }
        current = new EpochIterator(epoch, startBatch);
        return current;
    }

    /** Time per stage and decoders used, since the start or the last reset. */
    public LoaderStatistics statistics() {
        return statistics;
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
        pool.shutdown();
        memory.close();
    }

    /** Fisher-Yates with a generator seeded from {@code seed}. */
    static void shuffle(int[] values, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "striate-loader-" + count.incrementAndGet());
            // Daemon: a caller that forgets close() must not keep the JVM alive.
            thread.setDaemon(true);
            return thread;
        };
    }

    /** A batch handed to the workers: done when every slot is filled or has failed. */
    private record Pending(int index, int count, BatchBuffer buffer, CompletableFuture<Void> done) {
    }

    private final class EpochIterator implements Iterator<Batch> {
        private final int epoch;
        private final int[] order;
        private final int batches = batchesPerEpoch();
        private final ArrayDeque<Pending> pending = new ArrayDeque<>();
        private int nextToSubmit;
        private BatchBuffer held;
        private boolean closed;

        EpochIterator(int epoch, int startBatch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.nextToSubmit = startBatch;
            submitWhileBuffersFree();
        }

        @Override
        public boolean hasNext() {
            return !closed && !pending.isEmpty();
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("epoch " + epoch + " has no more batches");
            }
            releaseHeld();
            submitWhileBuffersFree();
            Pending batch = pending.poll();
            held = batch.buffer();
            try {
                return finish(batch);
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        private void submitWhileBuffersFree() {
            while (!freeBuffers.isEmpty() && nextToSubmit < batches) {
                pending.add(submit(nextToSubmit++));
            }
        }

        private Pending submit(int batchIndex) {
            BatchBuffer buffer = freeBuffers.pop();
            int start = batchIndex * batchSize;
            int count = Math.min(batchSize, order.length - start);
            // Several chunks per worker so that a slow image does not leave the other workers idle.
            int chunks = Math.min(count, workers * 4);
            CompletableFuture<?>[] parts = new CompletableFuture<?>[chunks];
            for (int c = 0; c < chunks; c++) {
                int from = (int) ((long) count * c / chunks);
                int to = (int) ((long) count * (c + 1) / chunks);
                parts[c] = CompletableFuture.runAsync(() -> {
                    for (int slot = from; slot < to; slot++) {
                        filler.fill(buffer, slot, order[start + slot], epoch);
                    }
                }, pool);
            }
            return new Pending(batchIndex, count, buffer, CompletableFuture.allOf(parts));
        }

        /** Waits for the workers, moves the readable samples to the front, and wraps the buffer as a Batch. */
        private Batch finish(Pending batch) {
            await(batch.done());
            long start = System.nanoTime();
            BatchBuffer buffer = batch.buffer();
            long itemBytes = (long) itemSize * Float.BYTES;
            List<String> skipped = new ArrayList<>();
            int kept = 0;
            for (int slot = 0; slot < batch.count(); slot++) {
                if (buffer.failures[slot] != null) {
                    skipped.add(buffer.failures[slot]);
                    continue;
                }
                if (kept != slot) {
                    MemorySegment.copy(buffer.images, slot * itemBytes, buffer.images, kept * itemBytes, itemBytes);
                    buffer.labels[kept] = buffer.labels[slot];
                }
                kept++;
            }
            if (kept == 0) {
                kept = fillFromLaterSamples(batch, skipped);
            }
            boolean whole = kept == batchSize;
            statistics.batching(System.nanoTime() - start);
            return new Batch(buffer.images.asSlice(0, kept * itemBytes),
                    whole ? buffer.labels : Arrays.copyOf(buffer.labels, kept), kept, batch.index(), skipped);
        }

        /**
         * Every sample of the batch failed: takes the readable samples that follow it in the epoch's order
         * (wrapping around), up to the batch's count, so the batch is not empty. Their own batches report them.
         */
        private int fillFromLaterSamples(Pending batch, List<String> skipped) {
            BatchBuffer buffer = batch.buffer();
            int kept = 0;
            int position = (batch.index() + 1) * batchSize;
            for (int step = 0; step < order.length - batch.count() && kept < batch.count(); step++) {
                int index = order[(position + step) % order.length];
                filler.fill(buffer, kept, index, epoch);
                if (buffer.failures[kept] == null) {
                    kept++;
                }
            }
            if (kept == 0) {
                throw new DatasetException("none of the " + order.length + " images could be decoded (first: "
                        + skipped.getFirst() + "); check the data with striate dataset info");
            }
            return kept;
        }

        private void releaseHeld() {
            if (held != null) {
                freeBuffers.push(held);
                held = null;
            }
        }

        /** Ends the epoch early: waits for the workers to leave every buffer, then takes the buffers back. */
        void close() {
            closed = true;
            for (Pending batch : pending) {
                // The batch is abandoned, so a failure inside it no longer matters; only its end does.
                batch.done().handle((result, failure) -> null).join();
                freeBuffers.push(batch.buffer());
            }
            pending.clear();
            releaseHeld();
        }
    }

    private static void await(CompletableFuture<Void> done) {
        try {
            done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
