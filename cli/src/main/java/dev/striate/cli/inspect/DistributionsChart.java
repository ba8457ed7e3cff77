package dev.striate.cli.inspect;

import dev.striate.cli.ChartGrid;
import dev.striate.core.inspect.LayerDistribution;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One histogram per layer, titled with its name, op type, mean, standard deviation and fraction of zeros, in a grid of
 * charts.
 */
final class DistributionsChart {
    static final int COLUMNS = 3;
    private static final int WIDTH = 400;
    private static final int HEIGHT = 260;

    private DistributionsChart() {
    }

    /** {@code types}: the op type of each layer, in the same order. */
    static byte[] png(List<LayerDistribution> layers, List<String> types) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<XYChart> charts = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerDistribution layer = layers.get(i);
            XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                    .title(String.format(Locale.ROOT, "%s (%s): mean %.3g, std %.3g, zeros %.1f%%", layer.node(),
                            types.get(i), layer.mean(), layer.standardDeviation(), 100 * layer.zeroFraction()))
                    .xAxisTitle("activation").yAxisTitle("fraction").build();
            chart.getStyler().setLegendVisible(false).setChartTitleFont(chart.getStyler().getChartTitleFont()
                    .deriveFont(12f));
            chart.getStyler().setDecimalPattern("0.###");
            int bins = layer.counts().length;
            double[] x = new double[bins + 1];
            double[] y = new double[bins + 1];
            for (int edge = 0; edge <= bins; edge++) {
                x[edge] = layer.edges()[edge];
                y[edge] = layer.counts()[Math.min(edge, bins - 1)] / (double) layer.count();
            }
            if (layer.max() == layer.min()) {
                x[bins] = layer.min() + 1;
            }
            XYSeries series = chart.addSeries(layer.node(), x, y);
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea).setMarker(SeriesMarkers.NONE);
            charts.add(chart);
        }
        return ChartGrid.png(charts, COLUMNS);
    }
}
