package dev.striate.cli;

import dev.striate.core.inspect.LearningRateRange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code lr_find.png}: the smoothed loss against the learning rate on a log axis, the suggestion marked. The loss axis
 * ends just above the largest smoothed loss before the explosion, which would otherwise flatten everything else.
 */
final class LearningRateChart {
    private static final int WIDTH = 700;
    private static final int HEIGHT = 450;

    private LearningRateChart() {
    }

    static byte[] png(LearningRateRange range) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double suggested = range.suggestedRate();
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(Double.isNaN(suggested) ? "learning-rate range test"
                        : String.format(Locale.ROOT, "learning-rate range test: suggested %.2e", suggested))
                .xAxisTitle("learning rate").yAxisTitle("training loss").build();
        chart.getStyler().setXAxisLogarithmic(true).setXAxisDecimalPattern("0.#E0").setDecimalPattern("0.###");
        double[] smoothed = range.smoothed();
        int shown = range.exploded() && smoothed.length > 2 ? smoothed.length - 1 : smoothed.length;
        double top = Arrays.stream(smoothed, 0, shown).max().orElse(1);
        double bottom = Arrays.stream(smoothed, 0, shown).min().orElse(0);
        chart.getStyler().setYAxisMax(top + 0.1 * (top - bottom)).setYAxisMin(Math.max(0, bottom - 0.1 * (top - bottom)));
        chart.addSeries("smoothed loss", range.rates(), range.smoothed()).setMarker(SeriesMarkers.NONE);
        if (!Double.isNaN(suggested)) {
            chart.addSeries("suggested rate", new double[] {suggested}, new double[] {
                    range.smoothed()[range.suggestedStep()]}).setMarker(SeriesMarkers.CIRCLE);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(chart, png, BitmapEncoder.BitmapFormat.PNG);
        return png.toByteArray();
    }
}
