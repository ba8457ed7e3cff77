package dev.striate.cli;

import dev.striate.core.UserException;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One searched setting of a sweep: a range of numbers drawn uniformly, in log space ({@code lr=1e-6:1e-3:log}, as
 * {@code 10**uniform(-6, -3)}) or linearly ({@code momentum=0.8:0.99}), or a list of choices drawn with equal
 * chances ({@code optimizer=sgd|adam}). Values are the text a flag would carry, rounded for whole-number settings.
 *
 * @param whole true for a whole-number setting, whose range draws are rounded
 */
record SearchDimension(String key, Kind kind, double low, double high, List<String> choices, boolean whole) {
    enum Kind { LOG, LINEAR, CHOICES }

    static SearchDimension range(String key, double low, double high, boolean log, boolean whole) {
        if (!(Double.isFinite(low) && Double.isFinite(high)) || low == high) {
            throw new UserException("--search " + key + ": a range needs two different finite ends, got " + low + ":"
                    + high);
        }
        if (log && (low <= 0 || high <= 0)) {
            throw new UserException("--search " + key + ": a log range needs ends above 0, got " + low + ":" + high);
        }
        return new SearchDimension(key, log ? Kind.LOG : Kind.LINEAR, Math.min(low, high), Math.max(low, high),
                List.of(), whole);
    }

    static SearchDimension choices(String key, List<String> choices) {
        if (choices.size() < 2 || choices.stream().anyMatch(String::isBlank)) {
            throw new UserException("--search " + key + ": a list of choices needs at least two values separated by |,"
                    + " got '" + String.join("|", choices) + "'");
        }
        return new SearchDimension(key, Kind.CHOICES, Double.NaN, Double.NaN, List.copyOf(choices), false);
    }

    /** The next value from {@code random}, as flag text. */
    String draw(SplittableRandom random) {
        return switch (kind) {
            case CHOICES -> choices.get(random.nextInt(choices.size()));
            case LOG -> number(Math.pow(10, uniform(random, Math.log10(low), Math.log10(high))));
            case LINEAR -> number(uniform(random, low, high));
        };
    }

    private static double uniform(SplittableRandom random, double from, double to) {
        return from + (to - from) * random.nextDouble();
    }

    private String number(double value) {
        return whole ? Long.toString(Math.round(value)) : Double.toString(value);
    }

    /** Every choice, or the two ends of the range, as flag text. */
    List<String> extremes() {
        return kind == Kind.CHOICES ? choices : List.of(number(low), number(high));
    }

    /** A value as the sweep prints it: real numbers as {@code 1.405206e-04}, like the course's random search. */
    String format(String value) {
        if (kind == Kind.CHOICES || whole) {
            return value;
        }
        return String.format(Locale.ROOT, "%e", Double.parseDouble(value));
    }

    /** The value as a number for plots: the number itself, or a choice's position when choices are words. */
    double plotValue(String value) {
        if (kind == Kind.CHOICES && !numericChoices()) {
            return choices.indexOf(value);
        }
        return Double.parseDouble(value);
    }

    boolean numericChoices() {
        return choices.stream().allMatch(c -> c.matches("[-+]?[0-9.eE+-]+"));
    }
}
