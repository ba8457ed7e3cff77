package dev.striate.cuda.kernel;

/**
 * The grid of a two-stage per-channel sum ({@code batchnorm.cu}'s statistics and gradient sums, {@code conv.cu}'s bias
 * gradient): each channel's {@code count} values are cut into {@code chunks} chunks of {@code chunkLength} (the last
 * may be shorter, none is empty), one block of {@link Launcher#THREADS} per chunk writes the chunk's partial sums, and
 * one block per channel then adds them in chunk order.
 *
 * <p>Why this shape: one block per channel left most of the GPU idle where channels are few and large (resnet50's
 * first batch norms at batch 128: 64 channels of 1.6 M values, 64 blocks for 132 SMs). A chunk of
 * {@link #VALUES_PER_BLOCK} values gives each thread 16 loads in flight (enough to hide memory latency, as CUB's
 * reductions take 16 items per thread) and makes the block's reduction a small share of its work; the statistics pass
 * reads its chunk twice, and 8 KB (bf16) or 16 KB (float) per block stays in cache for the second read. The number of
 * chunks follows the value count up to {@link #MAX_CHUNKS}, beyond which chunks grow instead: the finalizing block
 * then reads at most 4 partials per thread and the partials buffer stays at most 8 KB per channel.
 */
record ChannelChunks(int channels, long count, int chunkLength, int chunks) {
    /** Values each block sums: 16 per thread. */
    static final int VALUES_PER_BLOCK = 16 * Launcher.THREADS;
    /** The most chunks per channel. */
    static final int MAX_CHUNKS = 4 * Launcher.THREADS;

    /** The chunks of {@code channels} channels of {@code count} values each. */
    static ChannelChunks of(int channels, long count) {
        if (count < 1) {
            throw new IllegalArgumentException("a channel sum over " + count + " values");
        }
        long length = Math.max(VALUES_PER_BLOCK, (count + MAX_CHUNKS - 1) / MAX_CHUNKS);
        int chunks = Math.toIntExact((count + length - 1) / length);
        return new ChannelChunks(channels, count, Math.toIntExact(length), chunks);
    }

    /** The first stage's grid: one block per (channel, chunk), channel-major. */
    int blocks() {
        return Math.multiplyExact(channels, chunks);
    }
}
