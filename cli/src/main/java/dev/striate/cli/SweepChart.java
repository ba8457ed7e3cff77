package dev.striate.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code sweep.png}: for each searched setting, validation top-1 of every trial against the value it drew, on a log
 * axis where the range is log, with choices that are words placed at their positions and labelled by name.
 */
final class SweepChart {
    static final String FILE = "sweep.png";
    private static final int WIDTH = 420;
    private static final int HEIGHT = 320;
    private static final int COLUMNS = 3;

    private SweepChart() {
    }

    static byte[] png(List<SweepTrial> trials, SearchSpace space) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<XYChart> charts = new ArrayList<>();
        for (SearchDimension dimension : space.dimensions()) {
            XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                    .title("validation top-1 against " + dimension.key()).xAxisTitle(dimension.key())
                    .yAxisTitle("val acc").build();
            chart.getStyler().setLegendVisible(false).setDecimalPattern("0.###");
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            if (dimension.kind() == SearchDimension.Kind.LOG) {
                chart.getStyler().setXAxisLogarithmic(true).setXAxisDecimalPattern("0.#E0");
            }
            if (dimension.kind() == SearchDimension.Kind.CHOICES && !dimension.numericChoices()) {
                List<String> names = dimension.choices();
                chart.getStyler().setxAxisTickLabelsFormattingFunction(x -> {
                    long position = Math.round(x);
                    return Math.abs(x - position) < 1e-9 && position >= 0 && position < names.size()
                            ? names.get((int) position) : "";
                });
            }
            double[] x = trials.stream().mapToDouble(t -> dimension.plotValue(t.values().get(dimension.key())))
                    .toArray();
            double[] y = trials.stream().mapToDouble(SweepTrial::bestTop1).toArray();
            chart.addSeries(dimension.key(), x, y).setMarker(SeriesMarkers.CIRCLE);
            charts.add(chart);
        }
        return ChartGrid.png(charts, COLUMNS);
    }
}
