package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.striate.core.train.EpochMetrics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurvesChartTest {
    @TempDir
    Path run;

    private static EpochMetrics row(int epoch) {
        return new EpochMetrics(epoch, 1.0 / epoch, 1 - 0.5 / epoch, 1.2 / epoch, 1 - 0.6 / epoch, 0.99, 0.1, 500,
                10, 0);
    }

    @Test
    void drawsLossAndAccuracySideBySideAndRedrawsInPlace() throws IOException {
        Path file = run.resolve("curves.png");
        List<EpochMetrics> history = new ArrayList<>(List.of(row(1)));
        CurvesChart.write(file, history, true);
        byte[] first = Files.readAllBytes(file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(1200, image.getWidth());
        assertEquals(400, image.getHeight());
        history.add(row(2));
        history.add(row(3));
        CurvesChart.write(file, history, true);
        assertNotEquals(first.length, Files.size(file));
        try (var files = Files.list(run)) {
            assertEquals(List.of(file), files.toList(), "no partial file is left beside the chart");
        }
    }

    @Test
    void topFiveIsPlottedOnlyWhenThereAreMoreThanFiveClasses() {
        List<EpochMetrics> history = List.of(row(1), row(2));
        assertEquals(List.of("train top-1", "validation top-1", "validation top-5"),
                List.copyOf(CurvesChart.charts(history, true).get(1).getSeriesMap().keySet()));
        assertEquals(List.of("train top-1", "validation top-1"),
                List.copyOf(CurvesChart.charts(history, false).get(1).getSeriesMap().keySet()));
    }
}
