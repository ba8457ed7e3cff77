package dev.striate.core.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns one sample into one slot of a batch, on a loader's worker thread: its header is read, the transform
 * plans the crop (every random choice a pure function of seed, epoch and sample), the image is decoded at the
 * smallest scale the crop needs within the JVM-wide {@link DecodeBudget}, transformed, and copied into the batch.
 */
final class SampleFiller {
    private final Dataset dataset;
    private final TransformPipeline transform;
    private final long seed;
    private final int itemSize;
    private final LoaderStatistics statistics;
    /** Each worker's transformed image before it is copied into the batch. */
    private final ThreadLocal<float[]> transformed;
    /** Reasons of samples found unreadable, so later epochs skip them without decoding again. */
    private final Map<Integer, String> unreadable = new ConcurrentHashMap<>();

    SampleFiller(Dataset dataset, TransformPipeline transform, long seed, LoaderStatistics statistics) {
        this.dataset = dataset;
        this.transform = transform;
        this.seed = seed;
        this.itemSize = transform.itemSize();
        this.statistics = statistics;
        this.transformed = ThreadLocal.withInitial(() -> new float[itemSize]);
    }

    /** Decodes and transforms one sample into a slot; on failure records the reason instead. */
    void fill(BatchBuffer buffer, int slot, int index, int epoch) {
        String known = unreadable.get(index);
        if (known != null) {
            buffer.failures[slot] = known;
            return;
        }
        try {
            long start = System.nanoTime();
            EncodedImage encoded = dataset.read(index);
            SplittableRandom random = new SplittableRandom(Seeds.mix(seed, Seeds.AUGMENT, epoch, index));
            TransformPlan plan = transform.plan(encoded.height(), encoded.width(), random);
            int eighths = encoded.decodableEighths(plan.minimumEighths());
            long read;
            long decoded;
            long augmented;
            try (DecodeBudget.Reservation reservation = DecodeBudget.shared().reserve(encoded.memoryToDecode(eighths),
                    encoded.description())) {
                encoded.load();
                read = System.nanoTime();
                DecodedImage image = encoded.decode(eighths);
                decoded = System.nanoTime();
                transform.render(image, eighths, plan, transformed.get(), 0);
                augmented = System.nanoTime();
            }
            MemorySegment.copy(transformed.get(), 0, buffer.images, ValueLayout.JAVA_FLOAT,
                    (long) slot * itemSize * Float.BYTES, itemSize);
            buffer.labels[slot] = dataset.label(index);
            buffer.failures[slot] = null;
            statistics.sample(encoded.decoderName(), read - start, decoded - read, augmented - decoded,
                    System.nanoTime() - augmented);
        } catch (UnreadableImageException e) {
            String reason = dataset.describe(index) + ": " + e.getMessage();
            unreadable.put(index, reason);
            buffer.failures[slot] = reason;
        }
    }
}
