package dev.striate.cuda.kernel;

import static dev.striate.cuda.ActivationLayout.NCHW;
import static dev.striate.cuda.ActivationLayout.NHWC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The two-stage channel sums' grid, hand-worked: chunks of 4096 values (NCHW) or of ⌈4096 / C⌉ rows (NHWC, a block
 * reading every channel of its rows), at most 1024 chunks per channel.
 */
class ChannelChunksTest {
    @Test
    void aSmallChannelIsOneChunk() {
        assertEquals(new ChannelChunks(NCHW, 3, 8, 4096, 1), ChannelChunks.of(NCHW, 3, 8));
        assertEquals(new ChannelChunks(NCHW, 5, 4096, 4096, 1), ChannelChunks.of(NCHW, 5, 4096));
        assertEquals(new ChannelChunks(NCHW, 5, 4097, 4096, 2), ChannelChunks.of(NCHW, 5, 4097));
    }

    @Test
    void chunksFollowTheValueCount() {
        // 2 · 73 · 91 = 13,286 values: 3 full chunks and one of 998.
        ChannelChunks grid = ChannelChunks.of(NCHW, 3, 13_286);
        assertEquals(new ChannelChunks(NCHW, 3, 13_286, 4096, 4), grid);
        assertEquals(12, grid.blocks());
        assertEquals(12, grid.partials());
        // resnet50's first batch norm at batch 128: 128 · 112 · 112 = 1,605,632 = 392 · 4096 values per channel.
        ChannelChunks resnet = ChannelChunks.of(NCHW, 64, 1_605_632);
        assertEquals(392, resnet.chunks());
        assertEquals(25_088, resnet.blocks());
    }

    @Test
    void beyondTheCapChunksGrowAndNoneIsEmpty() {
        // 10,000,000 values: ⌈10^7 / 1024⌉ = 9766 per chunk; 1023 chunks hold 9,990,618, so the 1024th is not empty.
        ChannelChunks grid = ChannelChunks.of(NCHW, 2, 10_000_000);
        assertEquals(new ChannelChunks(NCHW, 2, 10_000_000, 9766, 1024), grid);
        assertTrue((long) (grid.chunks() - 1) * grid.chunkLength() < grid.count());
        assertEquals(2048, grid.blocks());
    }

    @Test
    void channelsLastHasOneBlockPerChunkOfRowsForAllChannels() {
        // 3 channels: ⌈4096 / 3⌉ = 1366 rows (4098 values) per block; 8 rows are one chunk, one block.
        assertEquals(new ChannelChunks(NHWC, 3, 8, 1366, 1), ChannelChunks.of(NHWC, 3, 8));
        // 300 channels (above one block's 256 threads, not a multiple of 32): ⌈4096 / 300⌉ = 14 rows; 13,286 rows =
        // 949 · 14 are 949 chunks, each block reading 14 rows of all 300 channels; partials 300 · 949 per quantity.
        ChannelChunks wide = ChannelChunks.of(NHWC, 300, 13_286);
        assertEquals(new ChannelChunks(NHWC, 300, 13_286, 14, 949), wide);
        assertEquals(949, wide.blocks());
        assertEquals(284_700, wide.partials());
        // 5000 channels: one row per chunk already holds more than 4096 values.
        assertEquals(new ChannelChunks(NHWC, 5000, 10, 1, 10), ChannelChunks.of(NHWC, 5000, 10));
    }

    @Test
    void channelsLastChunksAreCappedAsInNchw() {
        // resnet50's first batch norm at batch 128: 64 channels want ⌈4096 / 64⌉ = 64 rows per chunk, 25,088 chunks;
        // the cap makes it ⌈1,605,632 / 1024⌉ = 1568 rows, 1024 chunks: 1024 blocks of 1568 · 64 = 100,352 values.
        ChannelChunks first = ChannelChunks.of(NHWC, 64, 1_605_632);
        assertEquals(new ChannelChunks(NHWC, 64, 1_605_632, 1568, 1024), first);
        assertEquals(1024, first.blocks());
        assertEquals(65_536, first.partials());
        // Its last stage at batch 128: 2048 channels want 2 rows; ⌈6272 / 1024⌉ = 7 rows; 6272 = 896 · 7 rows.
        ChannelChunks last = ChannelChunks.of(NHWC, 2048, 6272);
        assertEquals(new ChannelChunks(NHWC, 2048, 6272, 7, 896), last);
        assertEquals(896, last.blocks());
    }

    @Test
    void aGridThatDoesNotFitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ChannelChunks.of(NCHW, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> ChannelChunks.of(NHWC, 0, 5));
        assertThrows(ArithmeticException.class, () -> ChannelChunks.of(NCHW, 1 << 22, 1L << 30).blocks());
    }
}
