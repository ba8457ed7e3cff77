package dev.striate.cli;

import java.util.List;

/**
 * One row of {@code striate selftest}: a check (an op case, a model, a training run), its largest relative error
 * against the reference and the tolerance, where that error was, and every failing tensor with its worst element.
 */
record SelfTestRow(String group, String check, double maxRelError, double tolerance, String worst,
                   List<String> failures) {
    SelfTestRow {
        failures = List.copyOf(failures);
    }

    boolean passed() {
        return failures.isEmpty() && maxRelError <= tolerance;
    }
}
