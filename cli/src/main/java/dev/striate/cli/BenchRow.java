package dev.striate.cli;

import dev.striate.core.backend.Precision;
import java.util.OptionalLong;

/** One case of {@code striate bench}: a model at a precision, measured or not run (and why). */
sealed interface BenchRow permits BenchRow.Measured, BenchRow.NotRun {
    String model();

    Precision precision();

    int batch();

    /** The side of the square input images. */
    int size();

    /**
     * A measured case. {@code forwardMacs} is the multiply-accumulates of one image's forward pass; a training step
     * does about three times that work (forward, backward to the input, backward to the weights), two FLOPs each.
     */
    record Measured(String model, Precision precision, int batch, int size, String device, double stepMillis,
                    OptionalLong peakBytes, long forwardMacs) implements BenchRow {
        public double imagesPerSecond() {
            return batch * 1000.0 / stepMillis;
        }

        public double teraflops() {
            return 3.0 * forwardMacs * 2 * imagesPerSecond() / 1e12;
        }
    }

    /** A case that could not run here (a precision the backend lacks, a model that does not fit), and why. */
    record NotRun(String model, Precision precision, int batch, int size, String reason) implements BenchRow {
    }
}
