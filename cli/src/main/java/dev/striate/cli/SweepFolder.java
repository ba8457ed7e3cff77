package dev.striate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.train.Checkpoint;
import dev.striate.core.train.RunDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A sweep's {@code --out} folder: {@code sweep.json} (the settings it was started with), one run folder per trial
 * ({@code trial-001}, ...) holding {@code trial.json} once the trial is over, and the reports. Running the same command
 * again continues the sweep: finished trials are skipped, a trial with a checkpoint is resumed, a trial that died
 * before its first checkpoint starts over.
 */
final class SweepFolder {
    static final String SETTINGS = "sweep.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    private SweepFolder(Path root) {
        this.root = root;
    }

    /** The sweep in {@code root} with these settings: a new one, or one started earlier with the same settings. */
    static SweepFolder open(Path root, ObjectNode settings) throws IOException {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new UserException("--out " + root + " is a file; give a folder for the sweep");
        }
        Path file = root.resolve(SETTINGS);
        SweepFolder folder = new SweepFolder(root);
        if (Files.isRegularFile(file)) {
            JsonNode saved = JSON.readTree(file.toFile());
            // Compared as read back from text, so that a number is equal to itself whatever its Java type.
            List<String> changed = differences(JSON.readTree(JSON.writeValueAsString(settings)), saved, "");
            if (!changed.isEmpty()) {
                throw new UserException("--out " + root + " holds a sweep started with other settings (" + String.join(
                        ", ", changed) + " differ, see " + file + "); rerun it with its own settings to continue it,"
                        + " or choose a new --out");
            }
            return folder;
        }
        if (Files.isDirectory(root)) {
            try (Stream<Path> entries = Files.list(root)) {
                if (entries.findAny().isPresent()) {
                    throw new UserException("--out " + root + " is not empty and holds no sweep; refusing to write"
                            + " into it: choose a new folder");
                }
            }
        }
        Files.createDirectories(root);
        folder.writeAtomically(file, JSON.writeValueAsString(settings));
        return folder;
    }

    /** The keys whose values differ, nested objects compared key by key ("settings.lr"). */
    private static List<String> differences(JsonNode now, JsonNode saved, String prefix) {
        List<String> changed = new ArrayList<>();
        Set<String> keys = new TreeSet<>();
        now.fieldNames().forEachRemaining(keys::add);
        saved.fieldNames().forEachRemaining(keys::add);
        for (String key : keys) {
            JsonNode a = now.get(key);
            JsonNode b = saved.get(key);
            if (a != null && b != null && a.isObject() && b.isObject()) {
                changed.addAll(differences(a, b, prefix + key + "."));
            } else if (a == null || !a.equals(b)) {
                changed.add(prefix + key);
            }
        }
        return changed;
    }

    Path root() {
        return root;
    }

    Path trialFolder(int trial) {
        return root.resolve(String.format(Locale.ROOT, "trial-%03d", trial));
    }

    /** The record of a trial that is over, or null. */
    SweepTrial finished(int trial) throws IOException {
        Path file = trialFolder(trial).resolve(SweepTrial.FILE);
        return Files.isRegularFile(file) ? SweepTrial.fromJson(JSON.readTree(file.toFile())) : null;
    }

    /**
     * The run folder to resume an interrupted trial from, or null to start it afresh: a trial folder without a
     * checkpoint holds nothing to keep (the settings and an empty metrics log), so it is removed.
     */
    RunDirectory interrupted(int trial) throws IOException {
        Path folder = trialFolder(trial);
        if (!Files.exists(folder)) {
            return null;
        }
        Checkpoint.recover(folder.resolve(Checkpoint.LAST));
        if (Files.isDirectory(folder.resolve(Checkpoint.LAST)) && Files.isRegularFile(folder.resolve(
                RunDirectory.CONFIG))) {
            return RunDirectory.existing(folder);
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        return null;
    }

    void record(SweepTrial trial, List<String> keys) throws IOException {
        writeAtomically(trialFolder(trial.number()).resolve(SweepTrial.FILE), JSON.writeValueAsString(
                trial.toJson(keys)));
    }

    void writeAtomically(Path file, String text) throws IOException {
        writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".partial");
        Files.write(temporary, bytes);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
