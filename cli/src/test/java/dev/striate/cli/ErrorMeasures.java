package dev.striate.cli;

import dev.striate.core.check.ParityMetric;
import dev.striate.core.check.ParityRow;
import dev.striate.core.check.TensorComparison;
import java.util.Locale;

/**
 * A comparison that judges by {@code chosen} and also records, for the precision study, the worst error of every
 * tensor compared under each candidate metric (the largest over the tensors since the last {@link #reset}).
 */
final class ErrorMeasures implements TensorComparison {
    static final String HEADER = String.format(Locale.ROOT, "%11s %11s %11s %11s", "elementwise", "rms-floor",
            "max-norm", "l2-relative");

    private final ParityMetric chosen;
    private final ParityMetric elementwise = ParityMetric.elementwise(1);
    private final ParityMetric rmsFloor = new ParityMetric(ParityMetric.ABSOLUTE_FLOOR, 1, 1);
    private double worstElementwise;
    private double worstRmsFloor;
    private double worstMaxNorm;
    private double worstL2;
    private String worstTensor = "";

    ErrorMeasures(ParityMetric chosen) {
        this.chosen = chosen;
    }

    @Override
    public ParityRow compare(String what, double[] expected, double[] actual, double relatedScale) {
        worstElementwise = worse(worstElementwise, elementwise.compare(what, expected, actual, 0).maxRelError());
        double rms = rmsFloor.compare(what, expected, actual, relatedScale).maxRelError();
        if (!(rms <= worstRmsFloor)) {
            worstTensor = what;
        }
        worstRmsFloor = worse(worstRmsFloor, rms);
        double maxDifference = 0;
        double maxReference = 0;
        double squaredDifference = 0;
        double squaredReference = 0;
        for (int i = 0; i < expected.length; i++) {
            double difference = Math.abs(actual[i] - expected[i]);
            maxDifference = Math.max(maxDifference, difference);
            maxReference = Math.max(maxReference, Math.abs(expected[i]));
            squaredDifference += difference * difference;
            squaredReference += expected[i] * expected[i];
        }
        worstMaxNorm = worse(worstMaxNorm, maxDifference / Math.max(ParityMetric.ABSOLUTE_FLOOR, maxReference));
        worstL2 = worse(worstL2, Math.sqrt(squaredDifference)
                / Math.max(Math.sqrt(squaredReference), ParityMetric.ABSOLUTE_FLOOR * Math.sqrt(expected.length)));
        return chosen.compare(what, expected, actual, relatedScale);
    }

    private static double worse(double worst, double error) {
        return Double.isNaN(error) ? Double.POSITIVE_INFINITY : Math.max(worst, error);
    }

    void reset() {
        worstElementwise = 0;
        worstRmsFloor = 0;
        worstMaxNorm = 0;
        worstL2 = 0;
        worstTensor = "";
    }

    double worstRmsFloor() {
        return worstRmsFloor;
    }

    /** The four worst errors in the columns of {@link #HEADER}, and the tensor worst under the rms-floor metric. */
    String line() {
        return String.format(Locale.ROOT, "%11.3e %11.3e %11.3e %11.3e  %s", worstElementwise, worstRmsFloor,
                worstMaxNorm, worstL2, worstTensor);
    }
}
