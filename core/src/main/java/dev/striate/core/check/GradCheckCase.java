package dev.striate.core.check;

import dev.striate.core.graph.Graph;
import java.util.Map;

/**
 * One gradient check: a small graph whose output is differentiated with respect to every float input and every
 * trainable parameter. {@code op} is the op the case exercises (its snake_case name, or {@code composite});
 * {@code labels} feeds integer inputs; float inputs are drawn with magnitudes up to {@code inputScale}.
 */
public record GradCheckCase(String op, String name, Graph graph, Map<String, int[]> labels, boolean training,
                            double inputScale) {
}
