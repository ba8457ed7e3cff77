package dev.striate.core.data;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a {@link Loader}'s time goes, summed over its worker threads: reading files, decoding, augmenting (crop,
 * resize, flip, normalize) and batching (copying into the batch memory, moving samples past skipped ones), and
 * which decoder decoded how many images. {@code striate dataset bench} prints it.
 */
public final class LoaderStatistics {
    private final LongAdder images = new LongAdder();
    private final LongAdder readNanos = new LongAdder();
    private final LongAdder decodeNanos = new LongAdder();
    private final LongAdder augmentNanos = new LongAdder();
    private final LongAdder batchNanos = new LongAdder();
    private final Map<String, LongAdder> decoders = new ConcurrentHashMap<>();

    /** The totals at one moment; stage times are nanoseconds of worker time. */
    public record Snapshot(long images, long readNanos, long decodeNanos, long augmentNanos, long batchNanos,
            Map<String, Long> decoders) {
        public Snapshot {
            decoders = Map.copyOf(decoders);
        }
    }

    void sample(String decoder, long read, long decode, long augment, long batch) {
        images.increment();
        readNanos.add(read);
        decodeNanos.add(decode);
        augmentNanos.add(augment);
        batchNanos.add(batch);
        decoders.computeIfAbsent(decoder, name -> new LongAdder()).increment();
    }

    void batching(long nanos) {
        batchNanos.add(nanos);
    }

    public Snapshot snapshot() {
        Map<String, Long> counts = new TreeMap<>();
        decoders.forEach((name, count) -> counts.put(name, count.sum()));
        return new Snapshot(images.sum(), readNanos.sum(), decodeNanos.sum(), augmentNanos.sum(), batchNanos.sum(),
                counts);
    }

    /** Starts counting from zero (e.g. after a warm-up epoch). */
    public void reset() {
        images.reset();
        readNanos.reset();
        decodeNanos.reset();
        augmentNanos.reset();
        batchNanos.reset();
        decoders.clear();
    }
}
