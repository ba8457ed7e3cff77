package dev.striate.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/** Several charts drawn as one PNG, in rows of at most {@code columns}. */
public final class ChartGrid {
    private ChartGrid() {
    }

    public static byte[] png(List<XYChart> charts, int columns) throws IOException {
        int perRow = Math.min(columns, charts.size());
        int rows = (charts.size() + perRow - 1) / perRow;
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(charts, rows, perRow, png, BitmapEncoder.BitmapFormat.PNG);
        return png.toByteArray();
    }
}
