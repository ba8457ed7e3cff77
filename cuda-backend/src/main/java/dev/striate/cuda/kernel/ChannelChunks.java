package dev.striate.cuda.kernel;

import dev.striate.cuda.ActivationLayout;

/**
 * The grid of a two-stage per-channel sum ({@code batchnorm.cu}'s statistics and gradient sums, {@code conv.cu}'s bias
 * gradient; {@code per_channel.cuh}): each channel's {@code count} values m = n·S + s are cut into {@code chunks}
 * chunks of {@code chunkLength} (the last may be shorter, none is empty), the first stage writes each chunk's partial
 * sums of each channel, and one block per channel then adds them in chunk order.
 *
 * <p>Why this shape (NCHW): one block per channel left most of the GPU idle where channels are few and large
 * (resnet50's first batch norms at batch 128: 64 channels of 1.6 M values, 64 blocks for 132 SMs), so the first stage
 * has one block of {@link Launcher#THREADS} per (channel, chunk). A chunk of {@link #VALUES_PER_BLOCK} values gives
 * each thread 16 loads in flight (enough to hide memory latency, as CUB's reductions take 16 items per thread) and
 * makes the block's reduction a small share of its work; the statistics pass reads its chunk twice, and 8 KB (bf16)
 * or 16 KB (float) per block stays in cache for the second read. The number of chunks follows the value count up to
 * {@link #MAX_CHUNKS}, beyond which chunks grow instead: the finalizing block then reads at most 4 partials per thread
 * and the partials buffer stays at most 8 KB per channel.
 *
 * <p>Channels-last (NHWC): a channel's values lie C elements apart, so one block per (channel, chunk) would read 2
 * useful bytes of each 32-byte sector. The first stage instead has one block per chunk of rows m, covering all C
 * channels with threads over consecutive channels (whole rows read side by side, several rows at once when C is below
 * {@link Launcher#THREADS}): K blocks, each writing the partials of every channel for its rows. A chunk is then
 * ⌈{@link #VALUES_PER_BLOCK} / C⌉ rows (the same 16 values per thread), and the same {@link #MAX_CHUNKS} bounds K, so
 * the finalizing stage and the partials are as in NCHW; a capped chunk holds more than the cache keeps, so the
 * statistics pass reads it in tiles of {@link #VALUES_PER_BLOCK} ({@code batchnorm.cu}). Rank-2 tensors ([N, C], S = 1)
 * lie the same in both layouts and take the geometry of the kernel variant that reads them.
 */
record ChannelChunks(ActivationLayout layout, int channels, long count, int chunkLength, int chunks) {
    /** Values each block sums: 16 per thread. */
    static final int VALUES_PER_BLOCK = 16 * Launcher.THREADS;
    /** The most chunks per channel. */
    static final int MAX_CHUNKS = 4 * Launcher.THREADS;

    /** The chunks of {@code channels} channels of {@code count} values each, for kernels reading {@code layout}. */
    static ChannelChunks of(ActivationLayout layout, int channels, long count) {
        if (count < 1 || channels < 1) {
            throw new IllegalArgumentException("a channel sum over " + channels + " channels of " + count + " values");
        }
        long wanted = layout == ActivationLayout.NHWC ? (VALUES_PER_BLOCK + channels - 1) / channels
                : VALUES_PER_BLOCK;
        long length = Math.max(wanted, (count + MAX_CHUNKS - 1) / MAX_CHUNKS);
        int chunks = Math.toIntExact((count + length - 1) / length);
        return new ChannelChunks(layout, channels, count, Math.toIntExact(length), chunks);
    }

    /** The partial sums the first stage writes of each quantity it sums: one per (channel, chunk), in both layouts. */
    int partials() {
        return Math.multiplyExact(channels, chunks);
    }

    /** The first stage's grid: one block per (channel, chunk), channel-major; channels-last one per chunk. */
    int blocks() {
        return layout == ActivationLayout.NHWC ? chunks : partials();
    }
}
