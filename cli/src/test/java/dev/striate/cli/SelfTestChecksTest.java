package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.op.Relu;
import dev.striate.cpu.CpuBackend;
import dev.striate.cpu.check.PlantedErrorBackend;
import dev.striate.cpu.precision.EmulatedPrecisionBackend;
import dev.striate.cpu.precision.KernelBug;
import dev.striate.cpu.precision.Rounding;
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


    /** Every selftest check passes the CPU emulation of a correct tf32 and of a correct bf16 GPU (about 30 s). */
    @Test
    void aCorrectTf32AndBf16GpuPassesEverySelftestCheck() {
        List<SelfTestRow> rows = new ArrayList<>();
        try (CpuBackend reference = new CpuBackend();
             EmulatedPrecisionBackend bf16 = EmulatedPrecisionBackend.of(Precision.BF16);
             EmulatedPrecisionBackend tf32 = EmulatedPrecisionBackend.of(Precision.TF32)) {
            SelfTestChecks bf16Checks = new SelfTestChecks(reference, bf16, Precision.BF16, rows::add);
            bf16Checks.ops();
            bf16Checks.models();
            bf16Checks.training();
            SelfTestChecks tf32Checks = new SelfTestChecks(reference, tf32, Precision.TF32, rows::add);
            tf32Checks.ops();
            tf32Checks.models();
            tf32Checks.training();
        }
        int cases = GradCheckSuite.cases().size();
        assertEquals(2 * (cases + 2 + 2 + 1), rows.size());
        assertEquals(List.of("resnet18 loss", "mobilenet_v2 loss", "resnet18 training step as train runs it: loss",
                        "mobilenet_v2 training step as train runs it: loss", "lenet5, 50 SGD steps: loss curve"),
                rows.subList(cases, cases + 5).stream().map(SelfTestRow::check).toList());
        for (SelfTestRow row : rows) {
            assertTrue(row.passed(), row.check() + ": " + row.worst());
        }
    }

    @Test
    void aBf16StoreThatTruncatesFailsTheTrainingCheck() {
        List<SelfTestRow> rows = new ArrayList<>();
        try (CpuBackend reference = new CpuBackend();
             EmulatedPrecisionBackend truncating = new EmulatedPrecisionBackend(Precision.BF16, Rounding.BF16,
                     Rounding.BF16_TRUNCATED, KernelBug.NONE)) {
            new SelfTestChecks(reference, truncating, Precision.BF16, rows::add).training();
        }
        assertFalse(rows.getFirst().passed(), rows.getFirst().worst());
    }

    @Test
    void theOutputNamesEachPrecisionsMetrics() {
        assertEquals("ops: |a-b| / max(|a|, |b|, 1e-3, RMS(ref)) <= 3e-2 (composites 0.1); models: the loss only,"
                + " |a-b| / max(|a|, |b|, 1e-3, RMS(ref)) <= 3e-2; training: |loss - ref| / max(|ref|, 1e-3) <= 5e-3"
                + " at each step",
                SelftestCommand.metricLine(Precision.BF16));
        assertTrue(SelftestCommand.metricLine(Precision.FP32).startsWith(
                "ops: |a-b| / max(|a|, |b|, 1e-3, RMS(ref)) <= 1e-4 (composites 1e-4); models: |a-b| / max(|a|, |b|,"
                        + " 1e-3, RMS(ref)) <= 1e-2; training:"), SelftestCommand.metricLine(Precision.FP32));
    }
}
