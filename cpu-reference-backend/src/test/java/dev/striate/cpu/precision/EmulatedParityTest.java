package dev.striate.cpu.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.check.ParityChecker;
import dev.striate.core.check.ParityMetric;
import dev.striate.core.check.ParityReport;
import dev.striate.cpu.CpuBackend;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each precision's parity metric against the CPU emulation of that precision: a correct GPU passes every case of the
 * grid, and each planted kernel bug fails the case that runs it.
 */
class EmulatedParityTest {
    /** {@code SelfTestChecks.SEED}, which selftest draws its inputs with. */
    private static final long SELFTEST_SEED = 20261201L;

    /** Single ops with selftest's seed and two others; composites with selftest's (see forComposites). */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void aCorrectGpuOfEachPrecisionPassesEveryCase(Precision precision) {
        try (CpuBackend reference = new CpuBackend();
             EmulatedPrecisionBackend emulated = EmulatedPrecisionBackend.of(precision)) {
            for (GradCheckCase c : GradCheckSuite.cases()) {
                boolean composite = c.op().equals(GradCheckSuite.COMPOSITE);
                ParityMetric metric = composite ? ParityMetric.forComposites(precision)
                        : ParityMetric.forPrecision(precision);
                for (long seed : composite ? new long[] {SELFTEST_SEED} : new long[] {SELFTEST_SEED, 7, 8}) {
                    ParityReport report = new ParityChecker(reference, emulated, metric, seed).check(c);
                    assertTrue(report.passed(), precision + " seed " + seed + ", " + c.op() + ": " + c.name() + ": "
                            + report.failures());
                }
            }
        }
    }

    static Stream<Arguments> plantedBugs() {
        return Stream.of(Precision.TF32, Precision.BF16).flatMap(precision -> Stream.of(
                Arguments.of(precision, PlantedBug.CONV_BIAS_ADDED_TWICE, "conv2d", "stride 1, padding 0",
                        "output conv2d"),
                Arguments.of(precision, PlantedBug.CONV_STRIDE_IGNORED, "conv2d", "stride 2, padding 1",
                        "output conv2d"),
                Arguments.of(precision, PlantedBug.CONV_INPUT_GRADIENT_OVERWRITTEN, GradCheckSuite.COMPOSITE,
                        "residual block with projection shortcut", "gradient x"),
                Arguments.of(precision, PlantedBug.MAX_POOL_WINDOW_SHORT_BY_ONE, "max_pool2d",
                        "3x3 stride 2 padding 1", "output max_pool2d")));
    }

    @ParameterizedTest
    @MethodSource("plantedBugs")
    void aPlantedKernelBugFailsTheCaseThatRunsIt(Precision precision, PlantedBug bug, String op, String caseName,
                                                 String firstFailure) {
        GradCheckCase c = GradCheckSuite.cases().stream()
                .filter(candidate -> candidate.op().equals(op) && candidate.name().equals(caseName))
                .findFirst().orElseThrow();
        try (CpuBackend reference = new CpuBackend();
             EmulatedPrecisionBackend emulated = EmulatedPrecisionBackend.withBug(precision, bug)) {
            ParityMetric metric = op.equals(GradCheckSuite.COMPOSITE) ? ParityMetric.forComposites(precision)
                    : ParityMetric.forPrecision(precision);
            ParityReport report = new ParityChecker(reference, emulated, metric, SELFTEST_SEED).check(c);
            assertFalse(report.passed(), bug.description());
            assertEquals(firstFailure, report.failures().getFirst().what(), () -> report.failures().toString());
        }
    }
}
