package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.DeviceSelection;
import dev.striate.core.backend.Backends;
import dev.striate.core.backend.Precision;
import dev.striate.core.check.ParityMetric;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code striate selftest}: runs a device's kernels against the CPU reference on the same inputs (every op and every
 * case of the gradient-check grid, two zoo models, a short training run) and prints one row per check. Every failure
 * is listed with its worst element, so one run on a GPU host shows everything that is wrong; exit 1 if any fails.
 */
final class SelftestCommand implements Command {
    @Override
    public String name() {
        return "selftest";
    }

    @Override
    public String summary() {
        return "check a device's ops, models and training against the CPU reference";
    }

    @Override
    public String usage() {
        return "[--device cuda] [--precision fp32|tf32|bf16] [--json]";
    }

    @Override
    public Options options() {
        return CommonOptions.addJson(new Options()
                .addOption(Option.builder().longOpt("device").hasArg().argName("DEVICE")
                        .desc("the device to check (default cuda; cuda:N for the N-th GPU)").build())
                .addOption(Option.builder().longOpt("precision").hasArg().argName("P")
                        .desc("fp32 (default), tf32 or bf16; sets the metric and tolerance (docs/precision.md)")
                        .build()));
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        Precision precision = Precision.parse(line.getOptionValue("precision", "fp32"));
        DeviceSelection device = DeviceSelection.parse(line.getOptionValue("device", "cuda"));
        boolean json = CommonOptions.json(line);
        List<SelfTestRow> rows = new ArrayList<>();
        PrintStream out = console.out();
        try (Backend candidate = device.open(precision, console.err()::println);
             Backend reference = Backends.open("cpu", BackendOptions.defaults(), notice -> { })) {
            console.err().println("selftest: " + candidate.description() + " against " + reference.description());
            if (!json) {
                out.println("metrics: " + metricLine(precision));
                out.printf(Locale.ROOT, "%-9s %-68s %11s %9s  %s%n", "group", "check", "max error", "tolerance",
                        "pass");
            }
            SelfTestChecks checks = new SelfTestChecks(reference, candidate, precision, row -> {
                rows.add(row);
                if (!json) {
                    printRow(out, row);
                }
            });
            checks.ops();
            checks.models();
            checks.training();
        }
        long failed = rows.stream().filter(row -> !row.passed()).count();
        if (json) {
            printJson(out, device.toString(), precision, rows);
        } else {
            for (SelfTestRow row : rows) {
                for (String failure : row.failures()) {
                    out.println("FAILED " + row.check() + ": " + failure);
                }
            }
            out.printf(Locale.ROOT, "%d checks, %d passed, %d failed (%s on %s against the float64 reference)%n",
                    rows.size(), rows.size() - failed, failed, precision.flagValue(), device);
        }
        return failed == 0 ? Main.OK : Main.FAILED;
    }

    /** The op, model and training checks' metrics, as printed and in the JSON (docs/precision.md). */
    static String metricLine(Precision precision) {
        ParityMetric models = SelfTestChecks.modelMetric(precision);
        return "ops: " + ParityMetric.forPrecision(precision).description() + " (composites "
                + ParityMetric.format(ParityMetric.forComposites(precision).tolerance()) + "); models: "
                + (precision == Precision.FP32 ? models.description()
                        : "the loss only, " + models.description())
                + "; training: |loss - ref| / max(|ref|, 1e-3) <= "
                + ParityMetric.format(SelfTestChecks.trainingTolerance(precision)) + " at each step";
    }

    private static void printRow(PrintStream out, SelfTestRow row) {
        String check = row.check().length() > 68 ? row.check().substring(0, 65) + "..." : row.check();
        out.printf(Locale.ROOT, "%-9s %-68s %11.3e %9.0e  %s%n", row.group(), check, row.maxRelError(),
                row.tolerance(), row.passed() ? "yes" : "NO  " + row.worst());
    }

    private static void printJson(PrintStream out, String device, Precision precision, List<SelfTestRow> rows)
            throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("device", device).put("precision", precision.flagValue()).put("metric", metricLine(precision))
                .put("passed", rows.stream().allMatch(SelfTestRow::passed));
        ArrayNode checks = root.putArray("checks");
        for (SelfTestRow row : rows) {
            ObjectNode node = checks.addObject().put("group", row.group()).put("check", row.check())
                    .put("maxRelError", row.maxRelError()).put("tolerance", row.tolerance())
                    .put("passed", row.passed()).put("worst", row.worst());
            row.failures().forEach(node.putArray("failures")::add);
        }
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
}
