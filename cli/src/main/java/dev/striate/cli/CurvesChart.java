package dev.striate.cli;

import dev.striate.core.train.AtomicFile;
import dev.striate.core.train.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@code curves.png}: loss (left) and accuracy (right) per epoch, drawn with XChart without a display. */
final class CurvesChart {
    private static final int WIDTH = 600;
    private static final int HEIGHT = 400;

    private CurvesChart() {
    }

    /**
     * Draws the history into {@code file}, replacing it whole or not at all ({@link AtomicFile}); top-5 only when
     * {@code topFive} (more than five classes, else it is always 1).
     */
    static void write(Path file, List<EpochMetrics> history, boolean topFive) throws IOException {
        System.setProperty("java.awt.headless", "true");
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(charts(history, topFive), 1, 2, png, BitmapEncoder.BitmapFormat.PNG);
        AtomicFile.write(file, png.toByteArray());
    }

    /** The loss chart and the accuracy chart. */
    static List<XYChart> charts(List<EpochMetrics> history, boolean topFive) {
        XYChart loss = chart("loss");
        series(loss, "train", history, EpochMetrics::trainLoss);
        series(loss, "validation", history, EpochMetrics::valLoss);
        XYChart accuracy = chart("accuracy");
        series(accuracy, "train top-1", history, EpochMetrics::trainAccuracy);
        series(accuracy, "validation top-1", history, EpochMetrics::valTop1);
        if (topFive) {
            series(accuracy, "validation top-5", history, EpochMetrics::valTop5);
        }
        return List.of(loss, accuracy);
    }

    private static XYChart chart(String quantity) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(quantity + " per epoch")
                .xAxisTitle("epoch").yAxisTitle(quantity).build();
        chart.getStyler().setDecimalPattern("0.###");
        chart.getStyler().setXAxisDecimalPattern("0");
        return chart;
    }

    private static void series(XYChart chart, String name, List<EpochMetrics> history,
                               ToDoubleFunction<EpochMetrics> value) {
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        double[] values = history.stream().mapToDouble(value).toArray();
        chart.addSeries(name, epochs, values).setMarker(SeriesMarkers.CIRCLE);
    }
}
