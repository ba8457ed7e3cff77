package dev.striate.core.check;

/** The outcome of one case: the largest relative error over all checked elements and where it was. */
public record GradCheckResult(String op, String caseName, double maxRelError, boolean passed, String worstElement,
                              int elementsChecked) {
}
