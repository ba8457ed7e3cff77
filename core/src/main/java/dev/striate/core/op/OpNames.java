package dev.striate.core.op;

import java.util.Locale;

/** Spec names of op classes: CamelCase to snake_case, with a few names spelled as users know them. */
final class OpNames {
    private OpNames() {
    }

    static String of(Class<? extends Op> opClass) {
        String simple = opClass.getSimpleName();
        return switch (simple) {
            case "Conv2d" -> "conv2d";
            case "MaxPool2d" -> "max_pool2d";
            case "AvgPool2d" -> "avg_pool2d";
            case "AdaptiveAvgPool2d" -> "adaptive_avg_pool2d";
            case "Relu6" -> "relu6";
            default -> simple.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        };
    }
}
