package dev.striate.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tile pixels of hand-set convolution weights, worked out by hand: each filter stretched over its own range. */
class FiltersViewTest {
    private static int gray(BufferedImage image, int x, int y) {
        int rgb = image.getRGB(x, y);
        int red = rgb >> 16 & 0xff;
        assertEquals(red, rgb >> 8 & 0xff, "gray pixel at " + x + "," + y);
        assertEquals(red, rgb & 0xff, "gray pixel at " + x + "," + y);
        return red;
    }

    @Test
    void twoFiltersOfTwoInputChannelsAreStretchedPerFilterOverBothChannels() {
        // weight [2 filters, 2 inputs, 1, 2]: filter 0 spans -1..3, filter 1 is constant (drawn mid-gray)
        double[] weights = {-1, 0, 1, 3, 5, 5, 5, 5};
        List<Tile> tiles = FiltersView.tiles(weights, 2, 2, 1, 2);
        assertEquals(4, tiles.size());
        assertEquals(2, FiltersView.columns(2, 2), "a row per filter, a column per input channel");
        int scale = 3;
        BufferedImage image = TileGrid.render(tiles, 2, scale);
        // cells are (tile + gap) blocks: 3 blocks wide, 2 high, plus the leading gap
        assertEquals(2 * 3 * scale + scale, image.getWidth());
        assertEquals(2 * 2 * scale + scale, image.getHeight());
        int[][] expected = {{0, 64}, {128, 255}, {128, 128}, {128, 128}};
        for (int t = 0; t < 4; t++) {
            int top = (t / 2) * 2 * scale + scale;
            int left = (t % 2) * 3 * scale + scale;
            for (int x = 0; x < 2; x++) {
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        assertEquals(expected[t][x], gray(image, left + x * scale + dx, top + dy),
                                "tile " + t + " pixel " + x);
                    }
                }
            }
        }
        assertEquals(TileGrid.GAP_RGB, image.getRGB(0, 0) & 0xffffff, "the gap around the tiles");
        assertEquals(TileGrid.GAP_RGB, image.getRGB(scale + 2 * scale, scale) & 0xffffff, "the gap between tiles");
    }

    @Test
    void aFilterOfThreeInputChannelsIsOneColourTileStretchedOverAllThree() {
        // one 1x1 filter over RGB: red 2, green 0, blue 1 -> (255, 0, 128)
        List<Tile> tiles = FiltersView.tiles(new double[] {2, 0, 1}, 1, 3, 1, 1);
        assertEquals(1, tiles.size());
        BufferedImage image = TileGrid.render(tiles, 1, 1);
        assertEquals(0xff0080, image.getRGB(1, 1) & 0xffffff);
    }
}
