package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.op.Relu;
import dev.striate.cpu.CpuBackend;
import dev.striate.cpu.check.PlantedErrorBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** selftest's op rows against a backend with one planted bug: the bug's rows fail and say where; the rest pass. */
class SelfTestChecksTest {
    @Test
    void everyCaseGetsARowAndOnlyThePlantedOpFailsWithItsWorstElement() {
        List<SelfTestRow> rows = new ArrayList<>();
        try (CpuBackend reference = new CpuBackend();
             PlantedErrorBackend planted =
                     new PlantedErrorBackend(Relu.class, PlantedErrorBackend.Where.OUTPUT, 2, 0.5)) {
            new SelfTestChecks(reference, planted, Precision.FP32, rows::add).ops();
        }
        assertEquals(GradCheckSuite.cases().size(), rows.size());
        SelfTestRow relu = rows.stream().filter(r -> r.check().startsWith("relu:")).findFirst().orElseThrow();
        assertFalse(relu.passed());
        assertEquals(List.of("output relu[2]"), relu.failures().stream()
                .map(f -> f.substring(0, f.indexOf(':'))).toList());
        assertTrue(relu.worst().startsWith("output relu[2]: "), relu.worst());
        assertTrue(rows.stream().filter(r -> r.check().startsWith("conv2d:")).allMatch(SelfTestRow::passed));
        assertEquals(1e-4, relu.tolerance());
    }

    @Test
    void aCheckThatThrowsIsAFailedRowNamingTheExceptionAndTheOtherChecksStillRun() {
        List<SelfTestRow> rows = new ArrayList<>();
        try (CpuBackend reference = new CpuBackend();
             PlantedErrorBackend throwing =
                     new PlantedErrorBackend(Relu.class, PlantedErrorBackend.Where.FORWARD_THROWS, 0, 0)) {
            new SelfTestChecks(reference, throwing, Precision.FP32, rows::add).ops();
        }
        assertEquals(GradCheckSuite.cases().size(), rows.size());
        SelfTestRow relu = rows.stream().filter(r -> r.check().startsWith("relu:")).findFirst().orElseThrow();
        assertFalse(relu.passed());
        assertTrue(relu.worst().startsWith("threw IllegalStateException: planted failure in Relu at "), relu.worst());
        assertEquals(List.of(relu.worst()), relu.failures());
        assertTrue(rows.stream().filter(r -> r.check().startsWith("conv2d:")).allMatch(SelfTestRow::passed));
    }

    @Test
    void tolerancesFollowThePrecision() {
        assertEquals(1e-4, SelfTestChecks.tolerance(Precision.FP32));
        assertEquals(5e-3, SelfTestChecks.tolerance(Precision.TF32));
        assertEquals(3e-2, SelfTestChecks.tolerance(Precision.BF16));
    }
}
