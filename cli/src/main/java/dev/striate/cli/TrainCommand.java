package dev.striate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.FileProblems;
import dev.striate.core.Plural;
import dev.striate.core.UserException;
import dev.striate.core.train.Checkpoint;
import dev.striate.core.train.CheckpointState;
import dev.striate.core.train.EpochMetrics;
import dev.striate.core.train.RunDirectory;
import dev.striate.core.train.TrainingConfig;
import dev.striate.core.train.TrainingConfigFile;
import dev.striate.core.train.TrainingConfigParser;
import dev.striate.core.train.TrainingDivergedException;
import dev.striate.core.train.TrainingOutcome;
import dev.striate.core.train.TrainingSettingKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code striate train MODEL --data DIR}: trains with validation each epoch, writing metrics, curves and
 * checkpoints into the run folder; {@code --resume RUN_DIR} continues a run exactly where its last checkpoint left it.
 * Ctrl-C or SIGTERM stops after the current batch with {@code last/} written there, and prints the command that
 * resumes (exit status 130, or 143 for SIGTERM).
 */
final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a model on an image folder (checkpoints, metrics, curves; --resume continues a run)";
    }

    @Override
    public String usage() {
        return "MODEL --data DIR [options]   |   --resume RUN_DIR [options]";
    }

    @Override
    public Options options() {
        return TrainingFlags.options();
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        String resume = line.getOptionValue("resume");
        RunDirectory resumed = resume == null ? null : RunDirectory.existing(Path.of(resume));
        try {
            return train(line, console, resumed);
        } catch (IOException e) {
            if (FileProblems.isDiskFull(e)) {
                throw new UserException("cannot write the run folder: " + FileProblems.reason(e), e);
            }
            throw e;
        } finally {
            if (resumed != null) {
                resumed.close();
            }
        }
    }

    private static int train(CommandLine line, Console console, RunDirectory resumed) throws IOException {
        TrainingConfig config = settings(line, resumed);
        if (resumed != null && !resumed.hasCheckpoint()) {
            console.err().println("notice: " + resumed.root() + " was stopped before its first checkpoint; starting"
                    + " the run over");
        }
        try (TrainingReporter reporter = new TrainingReporter(console, console.interactive(),
                Path.of(config.out()).resolve(RunDirectory.CURVES));
             TrainingSession session = TrainingSession.open(config, resumed, console, reporter)) {
            RunDirectory run = session.runDirectory();
            if (session.start().epoch() >= config.epochs()) {
                console.out().println("nothing to train: " + run.root() + " has finished its "
                        + Plural.of(session.start().epoch(), "epoch") + "; raise --epochs to go on");
                return Main.OK;
            }
            console.err().println("training " + session.spec() + " on " + session.backend().description()
                    + "; run folder " + run.root());
            TrainingOutcome outcome;
            int signalStatus;
            try (StopOnSignal signals = new StopOnSignal(session::requestStop, console)) {
                outcome = session.train();
                signalStatus = signals.exitStatus();
            } catch (TrainingDivergedException e) {
                throw new UserException(e.getMessage() + (Files.isDirectory(run.last())
                        ? "; the last good checkpoint is " + run.last() : "; no checkpoint had been written yet"), e);
            }
            reporter.endBar();
            if (outcome.interruptedAt() != null) {
                CheckpointState at = outcome.interruptedAt();
                console.err().println("stopped: " + run.last() + " holds epoch " + (at.epoch() + 1) + (at.batch() > 0
                        ? " after batch " + at.batch() : " from its start") + "; continue with: striate train --resume "
                        + run.root());
                return signalStatus;
            }
            report(outcome, run, console);
        }
        return Main.OK;
    }

    /**
     * The run's settings: a resumed run's own, then {@code --config}, then the flags; a resumed run may change only
     * the settings that leave its results alone.
     */
    private static TrainingConfig settings(CommandLine line, RunDirectory resumed) throws IOException {
        List<String> arguments = line.getArgList();
        if (arguments.size() > 1) {
            throw new UserException("expected one MODEL (a zoo name or a spec file), got " + arguments);
        }
        Map<String, String> flags = TrainingFlags.read(line);
        if (!arguments.isEmpty()) {
            flags.put("model", arguments.getFirst());
        }
        ObjectNode base = resumed == null ? JsonNodeFactory.instance.objectNode() : savedSettings(resumed);
        if (resumed != null) {
            Path folder = resumed.root();
            if (flags.containsKey("out") && !Path.of(flags.get("out")).equals(folder)) {
                throw new UserException("--out and --resume name different folders; a resumed run stays in "
                        + folder);
            }
            flags.put("out", folder.toString());
        }
        ObjectNode settings = base;
        if (line.hasOption("config")) {
            settings = TrainingConfigParser.overlay(settings,
                    TrainingConfigFile.read(Path.of(line.getOptionValue("config"))));
        }
        settings = TrainingConfigParser.overlay(settings, flags);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        TrainingConfig config = TrainingConfigParser.resolve(settings, stamp);
        if (resumed != null) {
            List<String> changed = TrainingConfigParser.changedOnResume(TrainingConfigParser.resolve(base, stamp),
                    config);
            if (!changed.isEmpty()) {
                throw new UserException("a resumed run keeps the settings it was started with, but "
                        + String.join(", ", changed) + "; resume without them, or start a new run with --weights "
                        + resumed.last().resolve(Checkpoint.WEIGHTS));
            }
        }
        return config;
    }

    private static ObjectNode savedSettings(RunDirectory run) throws IOException {
        JsonNode record = new ObjectMapper().readTree(run.config().toFile());
        return TrainingSettingKeys.checked(record.get(TrainingConfigFile.SETTINGS), run.config().toString());
    }

    private static void report(TrainingOutcome outcome, RunDirectory run, Console console) {
        EpochMetrics last = outcome.history().getLast();
        boolean topFive = outcome.lastValidation().classes().size() > 5;
        console.out().printf(Locale.ROOT, "trained %s%s: val top-1 %.4f%s (best top-1 %.4f at epoch %d)%n",
                Plural.of(last.epoch(), "epoch"), outcome.stoppedEarly() ? " (stopped early)" : "", last.valTop1(),
                topFive ? String.format(Locale.ROOT, ", top-5 %.4f", last.valTop5()) : "", outcome.bestTop1(),
                outcome.bestEpoch());
        console.out().println("run folder " + run.root() + ": checkpoints best/ and last/, metrics.jsonl, metrics.csv,"
                + " curves.png, config.json");
    }
}
