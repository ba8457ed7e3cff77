package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;

/**
 * How {@code striate bench} prints its cases: a line like {@code torch_reference_bench.py}'s, a JSON line with the
 * reference's keys (plus {@code tflops}) so that a script can join the two by model and precision, and a table.
 * Numbers are rounded as the reference rounds them, except the peak memory and TFLOP/s, which keep four significant
 * digits so that a small model's figures do not round to zero.
 */
final class BenchReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double GIBIBYTE = 1L << 30;
    private static final int SIGNIFICANT_DIGITS = 4;

    private BenchReport() {
    }

    /** {@code striate resnet50 batch=128 precision=bf16: N images/s, step M ms, peak G GiB, T TFLOP/s}. */
    static String line(BenchRow row) {
        String head = String.format(Locale.ROOT, "striate %s batch=%d precision=%s: ", row.model(), row.batch(),
                row.precision().flagValue());
        return head + switch (row) {
            case BenchRow.Measured measured -> String.format(Locale.ROOT, "%s images/s, step %s ms, peak %s GiB,"
                    + " %s TFLOP/s", number(imagesPerSecond(measured)), number(stepMillis(measured)),
                    peakGib(measured), number(teraflops(measured)));
            case BenchRow.NotRun notRun -> "not run: " + notRun.reason();
        };
    }

    /** One JSON object, without line breaks. */
    static String json(BenchRow row) {
        ObjectNode node = JSON.createObjectNode();
        node.put("framework", "striate " + Main.version());
        node.put("model", row.model());
        node.put("batch", row.batch());
        node.put("precision", row.precision().flagValue());
        node.put("size", row.size());
        switch (row) {
            case BenchRow.Measured measured -> {
                node.put("step_ms", stepMillis(measured));
                node.put("images_per_s", imagesPerSecond(measured));
                if (measured.peakBytes().isPresent()) {
                    node.put("peak_mem_gib", peakGibibytes(measured));
                } else {
                    node.putNull("peak_mem_gib");
                }
                node.put("gpu", measured.device());
                node.put("tflops", teraflops(measured));
            }
            case BenchRow.NotRun notRun -> node.put("error", notRun.reason());
        }
        return node.toString();
    }

    /** A table of the rows, one per line, with a header; a case not run says why in place of its numbers. */
    static String table(List<BenchRow> rows) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-14s %-9s %6s %6s %11s %10s %9s %9s%n",
                "model", "precision", "batch", "size", "images/s", "step ms", "peak GiB", "TFLOP/s"));
        for (BenchRow row : rows) {
            table.append(String.format(Locale.ROOT, "%-14s %-9s %6d %6d ", row.model(), row.precision().flagValue(),
                    row.batch(), row.size()));
            table.append(switch (row) {
                case BenchRow.Measured measured -> String.format(Locale.ROOT, "%11s %10s %9s %9s",
                        number(imagesPerSecond(measured)), number(stepMillis(measured)), peakGib(measured),
                        number(teraflops(measured)));
                case BenchRow.NotRun notRun -> "not run: " + notRun.reason();
            });
            table.append(System.lineSeparator());
        }
        return table.toString();
    }

    private static double stepMillis(BenchRow.Measured row) {
        return Math.round(row.stepMillis() * 1000) / 1000.0;
    }

    private static double imagesPerSecond(BenchRow.Measured row) {
        return Math.round(row.imagesPerSecond() * 10) / 10.0;
    }

    private static double teraflops(BenchRow.Measured row) {
        return significant(row.teraflops());
    }

    private static double peakGibibytes(BenchRow.Measured row) {
        return significant(row.peakBytes().orElseThrow() / GIBIBYTE);
    }

    private static String peakGib(BenchRow.Measured row) {
        return row.peakBytes().isPresent() ? number(peakGibibytes(row)) : "unknown";
    }

    private static double significant(double value) {
        return new BigDecimal(value).round(new MathContext(SIGNIFICANT_DIGITS)).doubleValue();
    }

    /** A rounded number written plainly: no exponent, no trailing zeros. */
    private static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
