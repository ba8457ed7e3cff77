package dev.striate.cli.inspect;

import dev.striate.cli.CommandArguments;
import dev.striate.core.UserException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;

/**
 * The options of one inspection and its positional arguments after the view and the model, read with the user's
 * mistakes named. Lists (layers, channels, classes) are comma-separated: {@code --layer conv1,relu1}.
 *
 * @param extra the positional arguments after {@code VIEW RUN_DIR|MODEL}
 */
record InspectArguments(CommandLine line, List<String> extra, String view, String usage) {
    boolean has(String option) {
        return line.hasOption(option);
    }

    /** The one image argument. */
    Path image() {
        if (extra.size() != 1) {
            throw new UserException("inspect " + view + " takes one IMAGE after the model" + (extra.isEmpty() ? ""
                    : ", got " + extra) + " (usage: inspect " + view + " " + usage + ")");
        }
        return Path.of(extra.getFirst());
    }

    void noImage() {
        if (!extra.isEmpty()) {
            throw new UserException("inspect " + view + " takes no arguments after the model, got " + extra
                    + " (usage: inspect " + view + " " + usage + ")");
        }
    }

    /** The names of {@code --layer}, or an empty list when it is absent. */
    List<String> layers() {
        String text = line.getOptionValue("layer");
        if (text == null) {
            return List.of();
        }
        List<String> names = Arrays.stream(text.split(",")).map(String::strip).toList();
        if (names.stream().anyMatch(String::isEmpty)) {
            throw new UserException("--layer must be node names separated by commas, got '" + text + "'");
        }
        return names;
    }

    /** Comma-separated whole numbers of at least 0, e.g. {@code --channel 0,3,5}. */
    int[] indices(String option) {
        String text = line.getOptionValue(option);
        try {
            int[] values = Arrays.stream(text.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
            if (values.length == 0 || Arrays.stream(values).anyMatch(v -> v < 0)) {
                throw new NumberFormatException(text);
            }
            return values;
        } catch (NumberFormatException e) {
            throw new UserException("--" + option + " must be whole numbers of at least 0 separated by commas, got '"
                    + text + "'");
        }
    }

    int positive(String option, int fallback) {
        return CommandArguments.positive(line, option, fallback);
    }

    /** A finite number of at least 0 (more than 0 when {@code zeroAllowed} is false), or {@code fallback}. */
    double number(String option, double fallback, boolean zeroAllowed) {
        return CommandArguments.number(line, option, fallback, zeroAllowed);
    }

    long seed() {
        String text = line.getOptionValue("seed", "0");
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new UserException("--seed must be a whole number, got '" + text + "'");
        }
    }
}
