package dev.striate.cli;

import dev.striate.core.Suggestions;
import dev.striate.core.UserException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/**
 * Reading positional arguments and whole-number options, with the user's mistakes named; an unknown option gets the
 * nearest known one.
 */
public final class CommandArguments {
    private CommandArguments() {
    }

    /** Refuses an option given twice (--lr 0.1 --lr 0.2): which one was meant cannot be known. */
    static void requireNoRepeats(CommandLine line) {
        Map<String, String> seen = new HashMap<>();
        for (Option option : line.getOptions()) {
            String name = option.getLongOpt() != null ? "--" + option.getLongOpt() : "-" + option.getOpt();
            String value = option.getValue() == null ? "" : " " + option.getValue();
            String first = seen.putIfAbsent(name, value);
            if (first != null) {
                throw new UserException(name + " is given twice (" + name + first + ", " + name + value
                        + "); give it once");
            }
        }
    }

    /** The one positional argument, described as {@code what} when it is missing or doubled. */
    public static String single(CommandLine line, String what) {
        List<String> arguments = line.getArgList();
        if (arguments.size() != 1) {
            throw new UserException("expected " + what + (arguments.isEmpty() ? "" : ", got " + arguments));
        }
        return arguments.getFirst();
    }

    /** A whole-number option of at least 1, or {@code fallback} when absent. */
    public static int positive(CommandLine line, String option, int fallback) {
        return atLeast(line, option, fallback, 1);
    }

    /** A whole-number option of at least 0, or {@code fallback} when absent. */
    public static int nonNegative(CommandLine line, String option, int fallback) {
        return atLeast(line, option, fallback, 0);
    }

    private static int atLeast(CommandLine line, String option, int fallback, int minimum) {
        String text = line.getOptionValue(option);
        if (text == null) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw below(option, text, minimum);
        }
        if (value < minimum) {
            throw below(option, text, minimum);
        }
        return value;
    }

    /** A finite number of at least 0 (more than 0 when {@code zeroAllowed} is false), or {@code fallback} when absent. */
    public static double number(CommandLine line, String option, double fallback, boolean zeroAllowed) {
        String text = line.getOptionValue(option);
        if (text == null) {
            return fallback;
        }
        double value;
        try {
            value = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!Double.isFinite(value) || value < 0 || (value == 0 && !zeroAllowed)) {
            throw new UserException("--" + option + " must be a number " + (zeroAllowed ? "of at least 0" : "above 0")
                    + ", got '" + text + "'");
        }
        return value;
    }

    /** " (did you mean '--epochs'?)" for an unknown option close to one of the command's, else "". */
    static String didYouMean(ParseException e, Options options) {
        if (!(e instanceof UnrecognizedOptionException unknown)) {
            return "";
        }
        String given = unknown.getOption().replaceFirst("^-+", "").replaceFirst("=.*$", "");
        List<String> names = options.getOptions().stream().map(Option::getLongOpt).filter(Objects::nonNull).toList();
        String nearest = Suggestions.nearest(given, names);
        return nearest == null ? "" : " (did you mean '--" + nearest + "'?)";
    }

    private static UserException below(String option, String text, int minimum) {
        return new UserException("--" + option + " must be a whole number of at least " + minimum + ", got '" + text
                + "'");
    }
}
