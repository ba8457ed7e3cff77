package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckResult;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.check.GradientChecker;
import dev.striate.core.op.Op;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The gradient check of every op over the grid of {@link GradCheckSuite}, on the reference backend. */
class GradientCheckTest {
    private static final CpuBackend BACKEND = new CpuBackend();

    static Stream<GradCheckCase> cases() {
        return GradCheckSuite.cases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void analyticGradientMatchesFiniteDifferences(GradCheckCase c) {
        GradCheckResult result = new GradientChecker(BACKEND).check(c);
        assertTrue(result.elementsChecked() > 0, "no element was checked");
        assertTrue(result.passed(), () -> c.op() + " / " + c.name() + ": max relative error " + result.maxRelError()
                + " at " + result.worstElement());
    }

    @Test
    void everyOpHasAGradientCheckCase() {
        Set<String> checked = GradCheckSuite.cases().stream().map(GradCheckCase::op).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (Class<?> op : Op.class.getPermittedSubclasses()) {
            String name = Op.typeNameOf(op.asSubclass(Op.class));
            if (!checked.contains(name)) {
                missing.add(name);
            }
        }
        assertEquals(Set.of(), missing, "ops without a gradient-check case");
    }

    @Test
    void everyOpHasAReferenceKernel() {
        Set<String> missing = new TreeSet<>();
        for (Class<?> op : Op.class.getPermittedSubclasses()) {
            if (!BACKEND.kernelOps().contains(op)) {
                missing.add(Op.typeNameOf(op.asSubclass(Op.class)));
            }
        }
        assertEquals(Set.of(), missing, "ops without a reference kernel");
    }
}
