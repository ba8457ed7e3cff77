package dev.striate.cli.inspect;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Tiles laid out row by row in a fixed number of columns, each pixel drawn as a {@code scale × scale} block and the
 * tiles separated by a gap of one block in dark gray, so that small kernels stay visible.
 */
final class TileGrid {
    static final int GAP_RGB = 0x404040;

    private TileGrid() {
    }

    /** The scale that makes a tile of {@code side} pixels about {@code target} pixels wide, at least 1. */
    static int scaleFor(int side, int target) {
        return Math.max(1, target / Math.max(1, side));
    }

    static BufferedImage render(List<Tile> tiles, int columns, int scale) {
        int tileHeight = tiles.stream().mapToInt(Tile::height).max().orElseThrow();
        int tileWidth = tiles.stream().mapToInt(Tile::width).max().orElseThrow();
        int rows = (tiles.size() + columns - 1) / columns;
        int cellHeight = (tileHeight + 1) * scale;
        int cellWidth = (tileWidth + 1) * scale;
        BufferedImage image = new BufferedImage(columns * cellWidth + scale, rows * cellHeight + scale,
                BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, GAP_RGB);
            }
        }
        for (int t = 0; t < tiles.size(); t++) {
            Tile tile = tiles.get(t);
            int top = (t / columns) * cellHeight + scale;
            int left = (t % columns) * cellWidth + scale;
            for (int y = 0; y < tile.height(); y++) {
                for (int x = 0; x < tile.width(); x++) {
                    int i = y * tile.width() + x;
                    int rgb = level(tile.red()[i]) << 16 | level(tile.green()[i]) << 8 | level(tile.blue()[i]);
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            image.setRGB(left + x * scale + dx, top + y * scale + dy, rgb);
                        }
                    }
                }
            }
        }
        return image;
    }

    /** A value in [0, 1] as an 8-bit level, rounded to nearest. */
    static int level(double value) {
        return (int) Math.round(Math.clamp(value, 0, 1) * 255);
    }

    /** About square: the smallest column count whose rows are no more than the columns. */
    static int squareColumns(int count) {
        return Math.max(1, (int) Math.ceil(Math.sqrt(count)));
    }
}
