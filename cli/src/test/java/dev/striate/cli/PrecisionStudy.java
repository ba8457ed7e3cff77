package dev.striate.cli;

import dev.striate.core.backend.Precision;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.check.ParityChecker;
import dev.striate.core.check.ParityMetric;
import dev.striate.cpu.CpuBackend;
import dev.striate.cpu.precision.EmulatedPrecisionBackend;
import dev.striate.cpu.precision.KernelBug;
import dev.striate.cpu.precision.PlantedBug;
import dev.striate.cpu.precision.Rounding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The study behind docs/precision.md, not a test: every selftest case with the CPU emulation of tf32 and bf16 as the
 * candidate, each tensor's worst error under the candidate metrics, the training check, and the op cases with a
 * planted bug under each metric. Minutes on two cores; run it with
 * {@code mvn -o test -pl cli -Dtest=PrecisionStudy -Dstriate.precisionStudy=true}.
 */
@EnabledIfSystemProperty(named = "striate.precisionStudy", matches = "true")
class PrecisionStudy {
    /** Four times the training check's steps, to show how the loss curves part. */
    private static final int STUDY_STEPS = 200;

    private record Variant(String name, Precision precision, Rounding operands, Rounding bf16Store, KernelBug bug) {
        EmulatedPrecisionBackend backend() {
            return new EmulatedPrecisionBackend(precision, operands, bf16Store, bug);
        }
    }

    @Test
    void correctEmulations() {
        List<Variant> variants = List.of(
                new Variant("fp32", Precision.FP32, Rounding.FLOAT, Rounding.BF16, KernelBug.NONE),
                new Variant("tf32", Precision.TF32, Rounding.TF32, Rounding.BF16, KernelBug.NONE),
                new Variant("tf32, truncated operands", Precision.TF32, Rounding.TF32_TRUNCATED, Rounding.BF16,
                        KernelBug.NONE),
                new Variant("bf16", Precision.BF16, Rounding.BF16, Rounding.BF16, KernelBug.NONE));
        for (Variant variant : variants) {
            System.out.println("== " + variant.name() + ": " + ParityMetric.forPrecision(variant.precision())
                    .description());
            System.out.printf(Locale.ROOT, "%-70s %s  %s%n", "case", ErrorMeasures.HEADER, "worst tensor (rms-floor)");
            try (CpuBackend reference = new CpuBackend(); EmulatedPrecisionBackend emulated = variant.backend()) {
                ErrorMeasures measures = new ErrorMeasures(ParityMetric.forPrecision(variant.precision()));
                ParityChecker checker = new ParityChecker(reference, emulated, measures, SelfTestChecks.SEED);
                printOpCases(checker, measures);
                for (String model : SelfTestChecks.MODELS) {
                    measures.reset();
                    SelfTestChecks.modelReport(checker, model);
                    print("model " + model, measures);
                }
                printTraining(reference, emulated);
                List<SelfTestRow> rows = new ArrayList<>();
                SelfTestChecks selftest = new SelfTestChecks(reference, emulated, variant.precision(), rows::add);
                selftest.models();
                selftest.training();
                for (SelfTestRow row : rows) {
                    System.out.printf(Locale.ROOT, "selftest row %s: %.3e (tolerance %.0e) %s%n", row.check(),
                            row.maxRelError(), row.tolerance(), row.passed() ? "passes" : "FAILS " + row.worst());
                }
            }
        }
    }

    /** The training check's loss curves: the worst step within the first n steps, and of 20-step means. */
    private static void printTraining(CpuBackend reference, EmulatedPrecisionBackend emulated) {
        LossCurves curves = LossCurves.lenet5(reference, emulated, STUDY_STEPS, SelfTestChecks.SEED);
        StringBuilder line = new StringBuilder("training lenet5: worst step error within steps");
        double worst = 0;
        for (int step = 0; step < STUDY_STEPS; step++) {
            worst = Math.max(worst, curves.error(step));
            if (step + 1 == 10 || step + 1 == 20 || step + 1 == 50 || step + 1 == 100 || step + 1 == 200) {
                line.append(String.format(Locale.ROOT, " <%d: %.3e", step + 1, worst));
            }
        }
        double worstMean = 0;
        for (int start = 0; start < STUDY_STEPS; start += 20) {
            double expected = 0;
            double actual = 0;
            for (int step = start; step < start + 20; step++) {
                expected += curves.expected()[step];
                actual += curves.actual()[step];
            }
            worstMean = Math.max(worstMean, Math.abs(actual - expected) / Math.abs(expected));
        }
        System.out.println(line + String.format(Locale.ROOT, "; worst 20-step mean: %.3e", worstMean));
    }

    @Test
    void plantedBugs() {
        List<Variant> variants = new ArrayList<>();
        for (Precision precision : List.of(Precision.TF32, Precision.BF16)) {
            for (PlantedBug bug : PlantedBug.values()) {
                variants.add(new Variant(precision.flagValue() + ", " + bug.description(), precision,
                        EmulatedPrecisionBackend.operandRounding(precision), Rounding.BF16, bug));
            }
        }
        variants.add(new Variant("bf16, stores truncate", Precision.BF16, Rounding.BF16, Rounding.BF16_TRUNCATED,
                KernelBug.NONE));
        for (Variant variant : variants) {
            System.out.println("== planted: " + variant.name() + ", op cases");
            System.out.printf(Locale.ROOT, "%-70s %s  %s%n", "case", ErrorMeasures.HEADER, "worst tensor (rms-floor)");
            try (CpuBackend reference = new CpuBackend(); EmulatedPrecisionBackend emulated = variant.backend()) {
                ErrorMeasures measures = new ErrorMeasures(ParityMetric.forPrecision(variant.precision()));
                ParityChecker checker = new ParityChecker(reference, emulated, measures, SelfTestChecks.SEED);
                printOpCases(checker, measures);
                if (variant.bug() == PlantedBug.CONV_BIAS_ADDED_TWICE || variant.bf16Store() != Rounding.BF16) {
                    printTraining(reference, emulated);
                }
            }
        }
    }

    /** Every op case of the grid, one line each. */
    private static void printOpCases(ParityChecker checker, ErrorMeasures measures) {
        for (GradCheckCase c : GradCheckSuite.cases()) {
            measures.reset();
            checker.check(c);
            print(c.op() + ": " + c.name(), measures);
        }
    }

    private static void print(String check, ErrorMeasures measures) {
        String name = check.length() > 70 ? check.substring(0, 67) + "..." : check;
        System.out.printf(Locale.ROOT, "%-70s %s%n", name, measures.line());
    }
}
