package dev.striate.cpu.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.check.ParityChecker;
import dev.striate.core.check.ParityReport;
import dev.striate.core.check.ParityRow;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.cpu.CpuBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parity harness passes a backend that computes what the reference does and catches one that does not. */
class ParityCheckerTest {
    private static final double TOLERANCE = 1e-4;
    private static final long SEED = 7;

    @Test
    void theReferenceMatchesItselfOnEveryCaseOfTheGrid() {
        try (CpuBackend reference = new CpuBackend(); CpuBackend candidate = new CpuBackend()) {
            ParityChecker checker = new ParityChecker(reference, candidate, TOLERANCE, SEED);
            for (GradCheckCase c : GradCheckSuite.cases()) {
                ParityReport report = checker.check(c);
                assertTrue(report.passed(), c.op() + " " + c.name() + ": " + report.failures());
                assertEquals(0, report.worst().maxRelError(), 0, c.op() + " " + c.name());
            }
        }
    }

    @Test
    void aPlantedForwardErrorFailsExactlyTheCasesOfThatOpAndNamesTheElement() {
        PlantedErrorBackend planted = new PlantedErrorBackend(Relu.class, PlantedErrorBackend.Where.OUTPUT, 5, 0.01);
        List<ParityReport> failed = failures(planted);
        assertFalse(failed.isEmpty());
        for (ParityReport report : failed) {
            assertTrue(usesOp(report, Relu.class), report.op() + " " + report.caseName() + " failed without relu");
        }
        ParityReport single = failed.stream().filter(r -> r.op().equals("relu")).findFirst().orElseThrow();
        ParityRow output = single.failures().getFirst();
        assertEquals("output relu", output.what());
        assertEquals(5, output.worstIndex());
        assertEquals(0.01, output.actual() - output.expected(), 1e-12);
    }

    @Test
    void aPlantedGradientErrorIsCaughtInTheWeightGradient() {
        PlantedErrorBackend planted =
                new PlantedErrorBackend(Conv2d.class, PlantedErrorBackend.Where.FIRST_PARAMETER_GRADIENT, 3, 0.01);
        List<ParityReport> failed = failures(planted);
        long convCases = GradCheckSuite.cases().stream().filter(c -> c.op().equals("conv2d")).count();
        assertEquals(convCases, failed.stream().filter(r -> r.op().equals("conv2d")).count());
        for (ParityReport report : failed) {
            for (ParityRow row : report.failures()) {
                assertTrue(row.what().startsWith("gradient ") && row.what().endsWith(".weight"), row.what());
                assertEquals(3, row.worstIndex());
            }
        }
    }

    private static List<ParityReport> failures(PlantedErrorBackend planted) {
        try (CpuBackend reference = new CpuBackend()) {
            ParityChecker checker = new ParityChecker(reference, planted, TOLERANCE, SEED);
            return GradCheckSuite.cases().stream().map(checker::check).filter(r -> !r.passed()).toList();
        }
    }

    private static boolean usesOp(ParityReport report, Class<? extends Op> opClass) {
        return GradCheckSuite.cases().stream()
                .filter(c -> c.op().equals(report.op()) && c.name().equals(report.caseName()))
                .anyMatch(c -> c.graph().nodes().stream().anyMatch(n -> opClass.isInstance(n.op())));
    }
}
