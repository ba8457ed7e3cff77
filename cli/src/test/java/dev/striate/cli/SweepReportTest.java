package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepReportTest {
    private static final SearchSpace SPACE = SearchSpace.parse("lr=1e-6:1e-3:log,weight-decay=1e-5:1e5:log,batch=32|64");

    private static SweepTrial trial(int number, double top1, String lr, String status) {
        return new SweepTrial(number, Map.of("lr", lr, "weight-decay", "0.4793564", "batch", "64"), List.of(0.1, top1),
                status);
    }

    @Test
    void oneLinePerTrialInTheCoursesFormat() {
        assertEquals("val acc: 0.412000, lr: 1.405206e-04, weight-decay: 4.793564e-01, batch: 64, (1 / 100)",
                SweepReport.line(trial(1, 0.412, "1.405206e-4", SweepTrial.FINISHED), SPACE, 100));
    }

    @Test
    void tableAndCsvPutTheBestTrialFirst() {
        List<SweepTrial> trials = List.of(trial(1, 0.3, "1e-4", SweepTrial.FINISHED),
                trial(2, 0.5, "2e-4", SweepTrial.FINISHED), new SweepTrial(3, Map.of("lr", "3e-4", "weight-decay",
                        "1", "batch", "32"), List.of(0.05), SweepTrial.PRUNED));
        assertEquals("""
                rank  trial   val acc            lr  weight-decay  batch  epochs    status
                   1      2  0.500000  2.000000e-04  4.793564e-01     64       2  finished
                   2      1  0.300000  1.000000e-04  4.793564e-01     64       2  finished
                   3      3  0.050000  3.000000e-04  1.000000e+00     32       1    pruned
                """, SweepReport.table(trials, SPACE).replace(System.lineSeparator(), "\n"));
        assertEquals("""
                trial,val_acc,lr,weight-decay,batch,epochs,status
                2,0.5,2e-4,0.4793564,64,2,finished
                1,0.3,1e-4,0.4793564,64,2,finished
                3,0.05,3e-4,1,32,1,pruned
                """, SweepReport.csv(trials, SPACE));
    }
}
