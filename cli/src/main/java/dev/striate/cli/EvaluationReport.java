package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.Plural;
import dev.striate.core.train.Evaluation;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * An evaluation as {@code striate eval} shows it: loss, top-1, top-5 (left out for five classes or fewer, where it
 * is always 1), precision, recall and F1 per class, and the confusion matrix; as tables or as JSON.
 */
final class EvaluationReport {
    private EvaluationReport() {
    }

    static boolean showsTopFive(Evaluation result) {
        return result.classes().size() > 5;
    }

    static ObjectNode json(Evaluation result) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("images", result.images());
        root.put("loss", result.loss());
        root.put("top1", result.top1());
        if (showsTopFive(result)) {
            root.put("top5", result.top5());
        }
        result.classes().forEach(root.putArray("classes")::add);
        perClass(root.putObject("perClassAccuracy"), result, k -> result.perClassAccuracy()[k]);
        perClass(root.putObject("precision"), result, result::precision);
        perClass(root.putObject("recall"), result, result::recall);
        perClass(root.putObject("f1"), result, result::f1);
        ArrayNode confusion = root.putArray("confusion");
        for (long[] row : result.confusion()) {
            ArrayNode out = confusion.addArray();
            for (long count : row) {
                out.add(count);
            }
        }
        result.skipped().forEach(root.putArray("skipped")::add);
        return root;
    }

    private static void perClass(ObjectNode node, Evaluation result, IntToDoubleFunction value) {
        for (int k = 0; k < result.classes().size(); k++) {
            double v = value.applyAsDouble(k);
            if (Double.isNaN(v)) {
                node.putNull(result.classes().get(k));
            } else {
                node.put(result.classes().get(k), v);
            }
        }
    }

    static void print(Evaluation result, PrintStream out) {
        out.printf(Locale.ROOT, "images %d  loss %.4f  top-1 %.4f%s%n", result.images(), result.loss(),
                result.top1(), showsTopFive(result) ? String.format(Locale.ROOT, "  top-5 %.4f", result.top5()) : "");
        List<String> classes = result.classes();
        int width = Math.max(5, classes.stream().mapToInt(String::length).max().orElse(5));
        out.println();
        out.println("per class:");
        out.printf(Locale.ROOT, "  %3s  %-" + width + "s  %-9s  %-6s  %-6s  %s%n", "", "class", "precision", "recall",
                "F1", "images");
        for (int k = 0; k < classes.size(); k++) {
            long images = 0;
            for (long count : result.confusion()[k]) {
                images += count;
            }
            out.printf(Locale.ROOT, "  %3d  %-" + width + "s  %-9s  %-6s  %-6s  %d%n", k, classes.get(k),
                    fraction(result.precision(k)), fraction(result.recall(k)), fraction(result.f1(k)), images);
        }
        printConfusion(result, out);
        if (!result.skipped().isEmpty()) {
            out.println();
            out.println("skipped " + Plural.of(result.skipped().size(), "unreadable file"));
        }
    }

    private static String fraction(double value) {
        return Double.isNaN(value) ? "  -" : String.format(Locale.ROOT, "%.4f", value);
    }

    private static void printConfusion(Evaluation result, PrintStream out) {
        List<String> classes = result.classes();
        long largest = 1;
        for (long[] row : result.confusion()) {
            for (long count : row) {
                largest = Math.max(largest, count);
            }
        }
        int cell = Math.max(3, Long.toString(largest).length()) + 1;
        out.println();
        out.println("confusion matrix (rows: true class, columns: predicted class, by number above):");
        StringBuilder header = new StringBuilder("     ");
        for (int k = 0; k < classes.size(); k++) {
            header.append(String.format("%" + cell + "d", k));
        }
        out.println(header);
        for (int k = 0; k < classes.size(); k++) {
            StringBuilder row = new StringBuilder(String.format("  %3d", k));
            for (long count : result.confusion()[k]) {
                row.append(String.format("%" + cell + "d", count));
            }
            out.println(row);
        }
    }
}
