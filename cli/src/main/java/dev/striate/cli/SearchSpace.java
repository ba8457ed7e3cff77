package dev.striate.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.striate.core.UserException;
import dev.striate.core.train.TrainingConfigParser;
import dev.striate.core.train.TrainingSettingKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The settings a sweep searches, from {@code --search 'lr=1e-6:1e-3:log,weight-decay=1e-5:1e5:log,batch=32|64'}:
 * any of train's settings by flag name, as a range ({@code LOW:HIGH}, linear unless {@code :log}) for numeric
 * settings or as choices separated by {@code |} for any setting.
 */
record SearchSpace(List<SearchDimension> dimensions) {
    /** Settings a sweep fixes for all its trials: what is trained on, where, how long, and on what device. */
    static final Set<String> FIXED = Set.of("model", "data", "out", "epochs", "weights", "device", "precision",
            "workers", "checkpoint-every");

    SearchSpace {
        dimensions = List.copyOf(dimensions);
    }

    static SearchSpace parse(String text) {
        List<SearchDimension> dimensions = new ArrayList<>();
        for (String entry : text.split(",")) {
            String[] parts = entry.strip().split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new UserException("--search entries are NAME=LOW:HIGH[:log] or NAME=A|B|..., separated by commas;"
                        + " got '" + entry.strip() + "'");
            }
            String key = parts[0].strip();
            if (!TrainingSettingKeys.names().contains(key)) {
                throw new UserException("--search: '" + key + "' is not a setting of train; settings: "
                        + String.join(", ", TrainingSettingKeys.names().stream().filter(k -> !FIXED.contains(k))
                        .sorted().toList()));
            }
            if (FIXED.contains(key)) {
                throw new UserException("--search: '" + key + "' is the same for every trial; give it as --" + key);
            }
            if (dimensions.stream().anyMatch(d -> d.key().equals(key))) {
                throw new UserException("--search names '" + key + "' twice");
            }
            dimensions.add(dimension(key, parts[1].strip()));
        }
        return new SearchSpace(dimensions);
    }

    private static SearchDimension dimension(String key, String spec) {
        if (spec.contains("|")) {
            List<String> choices = Arrays.stream(spec.split("\\|", -1)).map(String::strip).toList();
            for (String choice : choices) {
                TrainingConfigParser.overlay(JsonNodeFactory.instance.objectNode(), Map.of(key, choice));
            }
            return SearchDimension.choices(key, choices);
        }
        String[] ends = spec.split(":");
        if (ends.length < 2 || ends.length > 3 || (ends.length == 3 && !ends[2].equals("log")
                && !ends[2].equals("linear"))) {
            throw new UserException("--search " + key + "=" + spec + ": a range is LOW:HIGH, LOW:HIGH:log or"
                    + " LOW:HIGH:linear");
        }
        if (!TrainingSettingKeys.isNumeric(key)) {
            throw new UserException("--search " + key + ": a range needs a numeric setting; give choices A|B|...");
        }
        double low;
        double high;
        try {
            low = Double.parseDouble(ends[0].strip());
            high = Double.parseDouble(ends[1].strip());
        } catch (NumberFormatException e) {
            throw new UserException("--search " + key + "=" + spec + ": the ends of a range must be numbers");
        }
        return SearchDimension.range(key, low, high, ends.length == 3 && ends[2].equals("log"),
                TrainingSettingKeys.isWholeNumber(key));
    }

    /**
     * Settings that together reach every end of every range and every choice, one dimension at a time, so that train's
     * checks can refuse a bad value (an unknown optimizer, a negative rate) before the first trial.
     */
    List<Map<String, String>> extremes() {
        List<Map<String, String>> settings = new ArrayList<>();
        for (SearchDimension dimension : dimensions) {
            for (String value : dimension.extremes()) {
                settings.add(Map.of(dimension.key(), value));
            }
        }
        return settings;
    }

    /** The values of trials 1..{@code trials}, the same for the same seed, each as flag name to flag text. */
    List<Map<String, String>> draw(long seed, int trials) {
        // A split generator: its own gamma, drawn from the seed, spreads small seeds' first draws better (with the
        // seed's own generator, seed 0 draws every other value in rising order).
        SplittableRandom random = new SplittableRandom(seed).split();
        List<Map<String, String>> draws = new ArrayList<>();
        for (int trial = 0; trial < trials; trial++) {
            Map<String, String> values = new LinkedHashMap<>();
            for (SearchDimension dimension : dimensions) {
                values.put(dimension.key(), dimension.draw(random));
            }
            draws.add(values);
        }
        return draws;
    }
}
