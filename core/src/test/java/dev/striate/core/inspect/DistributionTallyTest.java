package dev.striate.core.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DistributionTallyTest {
    @Test
    void momentsZerosAndBinsOfHandWorkedValues() {
        DistributionTally tally = new DistributionTally("relu", 4);
        double[] first = {0, 0, 1, 4};
        double[] second = {2, 3, 0, 8};
        tally.addToStatistics(first);
        tally.addToStatistics(second);
        tally.addToHistogram(second);
        tally.addToHistogram(first);
        LayerDistribution d = tally.result();
        assertEquals(8, d.count());
        assertEquals(18 / 8.0, d.mean(), 1e-12);
        // Σx² = 1 + 16 + 4 + 9 + 64 = 94; variance = 94/8 − 2.25² = 6.6875
        assertEquals(Math.sqrt(6.6875), d.standardDeviation(), 1e-12);
        assertEquals(3 / 8.0, d.zeroFraction(), 1e-12);
        assertArrayEquals(new double[] {0, 2, 4, 6, 8}, d.edges(), 1e-12);
        // [0,2): 0 0 1 0   [2,4): 2 3   [4,6): 4   [6,8]: 8
        assertArrayEquals(new long[] {4, 2, 1, 1}, d.counts());
    }

    @Test
    void aConstantLayerPutsEveryValueInTheFirstBin() {
        DistributionTally tally = new DistributionTally("dead", 3);
        tally.addToStatistics(new double[] {0, 0});
        tally.addToHistogram(new double[] {0, 0});
        LayerDistribution d = tally.result();
        assertEquals(1.0, d.zeroFraction(), 0);
        assertEquals(0, d.standardDeviation(), 0);
        assertArrayEquals(new long[] {2, 0, 0}, d.counts());
    }
}
