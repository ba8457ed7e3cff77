package dev.striate.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
    @TempDir
    Path run;

    static EpochMetrics row(int epoch) {
        return new EpochMetrics(epoch, 2.0 / epoch, 0.1 * epoch, 1.0 / 3, 0.25 * epoch, 0.9, 0.01 / epoch, 512.5,
                12.25, epoch - 1);
    }

    @Test
    void rowsGoToBothFilesAndReadBackExactly() throws IOException {
        MetricsLog log = new MetricsLog(run);
        log.append(row(1));
        log.append(row(2));
        assertEquals(List.of(row(1), row(2)), log.read());
        List<String> csv = Files.readAllLines(run.resolve(MetricsLog.CSV));
        assertEquals(List.of(EpochMetrics.CSV_HEADER, "1,2.0,0.1,0.3333333333333333,0.25,0.9,0.01,512.5,12.25,0",
                "2,1.0,0.2,0.3333333333333333,0.5,0.9,0.005,512.5,12.25,1"), csv);
        assertEquals(2, Files.readAllLines(run.resolve(MetricsLog.JSONL)).size());
        assertTrue(Files.readString(run.resolve(MetricsLog.JSONL)).startsWith("{\"epoch\":1,\"trainLoss\":2.0,"));
    }

    @Test
    void notANumberSurvivesTheRoundTrip() throws IOException {
        MetricsLog log = new MetricsLog(run);
        EpochMetrics empty = new EpochMetrics(1, Double.NaN, Double.NaN, 1, 0.5, 0.5, 0.1, 0, 1, 0);
        log.append(empty);
        assertTrue(Double.isNaN(log.read().getFirst().trainLoss()));
    }

    @Test
    void resumingDropsTheEpochsTheCheckpointDoesNotCover() throws IOException {
        MetricsLog log = new MetricsLog(run);
        for (int epoch = 1; epoch <= 3; epoch++) {
            log.append(row(epoch));
        }
        assertEquals(List.of(row(1)), log.keepFirst(1));
        assertEquals(List.of(row(1)), log.read());
        assertEquals(2, Files.readAllLines(run.resolve(MetricsLog.CSV)).size());
        log.append(row(2));
        assertEquals(List.of(row(1), row(2)), log.read());
    }

    @Test
    void keepFirstOfANewRunWritesEmptyFilesWithAHeader() throws IOException {
        assertEquals(List.of(), new MetricsLog(run).keepFirst(0));
        assertEquals(List.of(EpochMetrics.CSV_HEADER), Files.readAllLines(run.resolve(MetricsLog.CSV)));
    }

    @Test
    void lastLineCutShortByAKillIsLeftOut() throws IOException {
        MetricsLog log = new MetricsLog(run);
        log.append(row(1));
        Files.writeString(run.resolve(MetricsLog.JSONL), "{\"epoch\":2,\"trainLo", StandardOpenOption.APPEND);
        assertEquals(List.of(row(1)), log.read());
    }

    @Test
    void damageBeforeTheLastLineIsAnError() throws IOException {
        Files.writeString(run.resolve(MetricsLog.JSONL), "not json\n{\"epoch\":1}\n");
        UserException e = assertThrows(UserException.class, () -> new MetricsLog(run).read());
        assertTrue(e.getMessage().contains("line 1 is damaged"), e.getMessage());
    }
}
