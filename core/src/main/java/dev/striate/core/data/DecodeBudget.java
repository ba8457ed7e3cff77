package dev.striate.core.data;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the memory that images being decoded hold at once, across every thread of the JVM: a decode reserves
 * what it needs (file bytes, the decoder's pixels and their copy) before it starts and waits while others hold
 * too much, so sixteen workers opening sixteen huge images decode them one after another instead of running
 * out of memory together. One image that needs more than the whole budget is refused, naming the limit.
 */
final class DecodeBudget {
    /** A quarter of the heap: room for the batches, the model and the rest of the JVM. */
    private static final DecodeBudget SHARED = new DecodeBudget(Runtime.getRuntime().maxMemory() / 4);
    private static final long KIB = 1024;

    private final long capacityBytes;
    private final Semaphore kibibytes;
    private final AtomicLong peakKibibytes = new AtomicLong();

    DecodeBudget(long capacityBytes) {
        this.capacityBytes = capacityBytes;
        this.kibibytes = new Semaphore((int) Math.min(capacityBytes / KIB, Integer.MAX_VALUE), true);
    }

    static DecodeBudget shared() {
        return SHARED;
    }

    /** Memory held until {@link #close}. */
    final class Reservation implements AutoCloseable {
        private final int permits;

        private Reservation(int permits) {
            this.permits = permits;
        }

        @Override
        public void close() {
            kibibytes.release(permits);
        }
    }

    /** Waits until {@code bytes} are free and holds them; more than the whole budget is an unreadable image. */
    Reservation reserve(long bytes, String what) throws UnreadableImageException {
        long permits = Math.max((bytes + KIB - 1) / KIB, 1);
        if (bytes > capacityBytes) {
            throw new UnreadableImageException(what + " needs " + mebibytes(bytes) + " MiB to decode, more than the "
                    + mebibytes(capacityBytes) + " MiB that images may use at once (a quarter of the Java heap: raise "
                    + "it with -Xmx, e.g. JAVA_TOOL_OPTIONS=-Xmx16g)");
        }
        kibibytes.acquireUninterruptibly((int) permits);
        peakKibibytes.accumulateAndGet(capacityBytes / KIB - kibibytes.availablePermits(), Math::max);
        return new Reservation((int) permits);
    }

    /** The most memory reservations have held at once, in bytes. */
    long peakBytes() {
        return peakKibibytes.get() * KIB;
    }

    private static long mebibytes(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
