package dev.striate.models;

import dev.striate.core.Suggestions;
import dev.striate.core.op.Initializer;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Initializers as specs write them: a name with optional arguments, {@code "kaiming_normal"},
 * {@code "kaiming_normal(fan_in)"}, {@code "normal(0.01)"}, {@code "uniform(-0.1, 0.1)"}.
 */
final class Initializers {
    static final List<String> NAMES = List.of("kaiming_normal", "kaiming_uniform", "xavier_normal", "xavier_uniform",
            "normal", "uniform", "constant", "zeros", "ones", "pytorch_default");

    private static final Pattern CALL = Pattern.compile("\\s*([a-z_]+)\\s*(?:\\((.*)\\))?\\s*");

    private Initializers() {
    }

    /**
     * The initializer {@code text} names. For a bias, {@code pytorch_default} is null: the layer's own default
     * (PyTorch's U(-1/sqrt(fan_in), 1/sqrt(fan_in))); for a weight it is Kaiming uniform with a = sqrt(5).
     */
    static Initializer parse(String text, boolean forBias, Function<String, SpecException> error) {
        Matcher m = CALL.matcher(text);
        if (!m.matches()) {
            throw error.apply("cannot read initializer \"" + Attributes.abbreviate(text) + "\"; write a name with optional arguments, "
                    + "e.g. \"normal(0.01)\"; valid names: " + String.join(", ", NAMES));
        }
        String name = m.group(1);
        double[] args = name.equals("kaiming_normal") ? new double[0] : arguments(text, m.group(2), error);
        return switch (name) {
            case "kaiming_normal" -> kaimingNormal(text, m.group(2), error);
            case "kaiming_uniform" -> new Initializer.KaimingUniform(optional(text, args, 0.0, error));
            case "xavier_normal" -> noArguments(text, args, new Initializer.XavierNormal(), error);
            case "xavier_uniform" -> noArguments(text, args, new Initializer.XavierUniform(), error);
            case "normal" -> {
                double std = exactlyOne(text, args, "the standard deviation", error);
                if (!(std > 0)) {
                    throw error.apply("the standard deviation of \"" + text + "\" must be positive");
                }
                yield new Initializer.Normal(std);
            }
            case "uniform" -> {
                if (args.length != 2 || !(args[0] < args[1])) {
                    throw error.apply("\"" + text + "\": uniform takes (low, high) with low < high");
                }
                yield new Initializer.Uniform(args[0], args[1]);
            }
            case "constant" -> new Initializer.Constant(exactlyOne(text, args, "the value", error));
            case "zeros" -> noArguments(text, args, new Initializer.Constant(0), error);
            case "ones" -> noArguments(text, args, new Initializer.Constant(1), error);
            case "pytorch_default" -> noArguments(text, args,
                    forBias ? null : Initializer.KaimingUniform.PYTORCH_DEFAULT, error);
            default -> throw error.apply("unknown initializer '" + Attributes.abbreviate(name) + "'"
                    + Suggestions.didYouMean(name, NAMES) + "; valid: " + String.join(", ", NAMES));
        };
    }

    private static Initializer kaimingNormal(String text, String argument, Function<String, SpecException> error) {
        String mode = argument == null ? "fan_out" : argument.strip();
        return switch (mode) {
            case "fan_out" -> new Initializer.KaimingNormal(true);
            case "fan_in" -> new Initializer.KaimingNormal(false);
            default -> throw error.apply("\"" + text + "\": kaiming_normal takes fan_out (the default) or fan_in");
        };
    }

    private static double[] arguments(String text, String list, Function<String, SpecException> error) {
        if (list == null || list.isBlank()) {
            return new double[0];
        }
        String[] parts = list.split(",");
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw error.apply("\"" + Attributes.abbreviate(text) + "\": argument '"
                        + Attributes.abbreviate(parts[i].strip()) + "' is not a number");
            }
            // "Infinity", "NaN" and 1e999 parse, but no weight can be drawn from them.
            if (!Double.isFinite(values[i])) {
                throw error.apply("\"" + Attributes.abbreviate(text) + "\": argument '"
                        + Attributes.abbreviate(parts[i].strip()) + "' is not a finite number");
            }
        }
        return values;
    }

    private static Initializer noArguments(String text, double[] args, Initializer value,
                                           Function<String, SpecException> error) {
        if (args.length != 0) {
            throw error.apply("\"" + text + "\" takes no arguments");
        }
        return value;
    }

    private static double exactlyOne(String text, double[] args, String what, Function<String, SpecException> error) {
        if (args.length != 1) {
            throw error.apply("\"" + text + "\" takes one argument, " + what);
        }
        return args[0];
    }

    private static double optional(String text, double[] args, double defaultValue,
                                   Function<String, SpecException> error) {
        if (args.length > 1) {
            throw error.apply("\"" + text + "\" takes at most one argument");
        }
        return args.length == 0 ? defaultValue : args[0];
    }
}
