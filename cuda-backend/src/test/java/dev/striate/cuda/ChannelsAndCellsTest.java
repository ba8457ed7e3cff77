package dev.striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.tensor.Shape;
import org.junit.jupiter.api.Test;

class ChannelsAndCellsTest {
    @Test
    void aRankFourTensorIsReadWithItsChannelsAndCells() {
        // A conv weight [K 8, C 3, R 5, S 7]: 3 channels of 35 cells, so its bf16 copy can lie K, R, S, C.
        assertEquals(new ChannelsAndCells(3, 35), ChannelsAndCells.of(Shape.of(8, 3, 5, 7)));
    }

    @Test
    void anyOtherRankIsReadFlat() {
        assertEquals(new ChannelsAndCells(1, 1), ChannelsAndCells.of(Shape.of(4, 10)));
        assertEquals(new ChannelsAndCells(1, 1), ChannelsAndCells.of(Shape.of(2, 3, 5)));
        assertEquals(new ChannelsAndCells(1, 1), ChannelsAndCells.of(Shape.of(6)));
    }
}
