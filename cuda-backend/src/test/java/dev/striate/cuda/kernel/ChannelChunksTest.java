package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The two-stage channel sums' grid, hand-worked: chunks of 4096 values, at most 1024 chunks per channel. */
class ChannelChunksTest {
    @Test
    void aSmallChannelIsOneChunk() {
        assertEquals(new ChannelChunks(3, 8, 4096, 1), ChannelChunks.of(3, 8));
        assertEquals(new ChannelChunks(5, 4096, 4096, 1), ChannelChunks.of(5, 4096));
        assertEquals(new ChannelChunks(5, 4097, 4096, 2), ChannelChunks.of(5, 4097));
    }

    @Test
    void chunksFollowTheValueCount() {
        // 2 · 73 · 91 = 13,286 values: 3 full chunks and one of 998.
        ChannelChunks grid = ChannelChunks.of(3, 13_286);
        assertEquals(new ChannelChunks(3, 13_286, 4096, 4), grid);
        assertEquals(12, grid.blocks());
        // resnet50's first batch norm at batch 128: 128 · 112 · 112 = 1,605,632 = 392 · 4096 values per channel.
        ChannelChunks resnet = ChannelChunks.of(64, 1_605_632);
        assertEquals(392, resnet.chunks());
        assertEquals(25_088, resnet.blocks());
    }

    @Test
    void beyondTheCapChunksGrowAndNoneIsEmpty() {
        // 10,000,000 values: ⌈10^7 / 1024⌉ = 9766 per chunk; 1023 chunks hold 9,990,618, so the 1024th is not empty.
        ChannelChunks grid = ChannelChunks.of(2, 10_000_000);
        assertEquals(new ChannelChunks(2, 10_000_000, 9766, 1024), grid);
        assertTrue((long) (grid.chunks() - 1) * grid.chunkLength() < grid.count());
        assertEquals(2048, grid.blocks());
    }

    @Test
    void aGridThatDoesNotFitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ChannelChunks.of(3, 0));
        assertThrows(ArithmeticException.class, () -> ChannelChunks.of(1 << 22, 1L << 30).blocks());
    }
}
