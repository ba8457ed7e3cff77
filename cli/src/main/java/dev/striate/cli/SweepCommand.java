package dev.striate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.train.EpochMetrics;
import dev.striate.core.train.MetricsLog;
import dev.striate.core.train.RunDirectory;
import dev.striate.core.train.TrainingConfig;
import dev.striate.core.train.TrainingConfigFile;
import dev.striate.core.train.TrainingConfigParser;
import dev.striate.core.train.TrainingDivergedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code striate sweep MODEL --data DIR --trials N --epochs E --search SPEC --out DIR}: random search over train's
 * settings. Each trial is a real training run (the same session as {@code striate train}) in {@code DIR/trial-NNN};
 * after each, one line in the course's format; at the end a table by validation top-1, {@code sweep.csv},
 * {@code sweep.png} and {@code best.json}, the best trial's settings for {@code train --config}. The same seed draws
 * the same trials, and the same command run again continues an interrupted sweep.
 */
final class SweepCommand implements Command {
    static final String BEST = "best.json";
    static final int DEFAULT_TRIALS = 10;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public String name() {
        return "sweep";
    }

    @Override
    public String summary() {
        return "random search over train's settings: one run per trial, a table, sweep.csv, a plot and best.json";
    }

    @Override
    public String usage() {
        return "MODEL --data DIR --search 'lr=1e-6:1e-3:log,...' [--trials N] [--epochs E] [--prune] --out DIR"
                + " [train's flags, fixed for every trial]";
    }

    @Override
    public Options options() {
        Options options = TrainingFlags.options();
        return new Options().addOptions(withoutResume(options))
                .addOption(Option.builder().longOpt("search").hasArg().argName("SPEC")
                        .desc("settings to search, comma-separated: NAME=LOW:HIGH[:log] or NAME=A|B|...").build())
                .addOption(Option.builder().longOpt("trials").hasArg().argName("N")
                        .desc("trials to run (default " + DEFAULT_TRIALS + ")").build())
                .addOption(Option.builder().longOpt("prune")
                        .desc("stop a trial after an epoch whose validation top-1 is below the median of earlier"
                                + " trials at that epoch").build());
    }

    private static Options withoutResume(Options training) {
        Options options = new Options();
        training.getOptions().stream().filter(o -> !o.getLongOpt().equals("resume")).forEach(options::addOption);
        return options;
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        Map<String, String> flags = TrainingFlags.read(line);
        List<String> arguments = line.getArgList();
        if (arguments.size() > 1) {
            throw new UserException("expected one MODEL (a zoo name or a spec file), got " + arguments);
        }
        if (!arguments.isEmpty()) {
            flags.put("model", arguments.getFirst());
        }
        String out = flags.remove("out");
        if (out == null) {
            throw new UserException("--out DIR is required: the sweep's folder (run the same command again to continue"
                    + " an interrupted sweep)");
        }
        if (!line.hasOption("search")) {
            throw new UserException("--search is required, e.g. --search 'lr=1e-6:1e-3:log,weight-decay=1e-5:1e5:log'");
        }
        SearchSpace space = SearchSpace.parse(line.getOptionValue("search"));
        for (SearchDimension dimension : space.dimensions()) {
            if (flags.containsKey(dimension.key())) {
                throw new UserException("--" + dimension.key() + " is also searched; give it in --search or as a flag,"
                        + " not both");
            }
        }
        int trials = CommandArguments.positive(line, "trials", DEFAULT_TRIALS);
        ObjectNode base = JsonNodeFactory.instance.objectNode();
        if (line.hasOption("config")) {
            base = TrainingConfigFile.read(Path.of(line.getOptionValue("config")));
        }
        base = TrainingConfigParser.overlay(base, flags);
        base.remove("out");
        TrainingConfig check = TrainingConfigParser.resolve(base, "check");
        for (Map<String, String> extreme : space.extremes()) {
            TrainingConfigParser.resolve(TrainingConfigParser.overlay(base, extreme), "check");
        }
        List<Map<String, String>> draws = space.draw(check.seed(), trials);
        ObjectNode settings = JsonNodeFactory.instance.objectNode();
        settings.put("search", line.getOptionValue("search"));
        settings.put("trials", trials);
        settings.put("prune", line.hasOption("prune"));
        settings.set("settings", base);
        SweepFolder folder = SweepFolder.open(Path.of(out), settings);
        List<String> keys = space.dimensions().stream().map(SearchDimension::key).toList();
        List<SweepTrial> done = new ArrayList<>();
        Map<Integer, TrainingConfig> configs = new LinkedHashMap<>();
        for (int trial = 1; trial <= trials; trial++) {
            TrainingConfig config = TrainingConfigParser.resolve(TrainingConfigParser.overlay(base,
                    withOut(draws.get(trial - 1), folder.trialFolder(trial))), "trial");
            configs.put(trial, config);
            SweepTrial finished = folder.finished(trial);
            if (finished != null) {
                console.err().println("trial " + trial + " / " + trials + " finished earlier: skipped");
            } else {
                finished = runTrial(trial, trials, config, draws.get(trial - 1), folder,
                        line.hasOption("prune") ? new MedianPruner(done) : null, console);
                folder.record(finished, keys);
            }
            done.add(finished);
            console.out().println(SweepReport.line(finished, space, trials));
        }
        console.out().println();
        console.out().print(SweepReport.table(done, space));
        folder.writeAtomically(folder.root().resolve(SweepReport.CSV), SweepReport.csv(done, space));
        folder.writeAtomically(folder.root().resolve(SweepChart.FILE), SweepChart.png(done, space));
        SweepTrial best = SweepReport.ranked(done).getFirst();
        ObjectNode bestSettings = configs.get(best.number()).toJson();
        bestSettings.remove("out");
        folder.writeAtomically(folder.root().resolve(BEST), JSON.writeValueAsString(bestSettings));
        console.out().println("best: trial " + best.number() + "; its settings are in " + folder.root().resolve(BEST)
                + " (striate train --config " + folder.root().resolve(BEST) + " --out RUN_DIR)");
        console.out().println("sweep folder " + folder.root() + ": " + SweepReport.CSV + ", " + SweepChart.FILE
                + ", " + BEST + ", trial-NNN/ runs");
        return Main.OK;
    }

    private static Map<String, String> withOut(Map<String, String> drawn, Path trialFolder) {
        Map<String, String> flags = new LinkedHashMap<>(drawn);
        flags.put("out", trialFolder.toString());
        return flags;
    }

    /** One trial as a real training run, resumed from its checkpoint when an earlier sweep was interrupted. */
    private static SweepTrial runTrial(int trial, int trials, TrainingConfig config, Map<String, String> values,
                                       SweepFolder folder, MedianPruner pruner, Console console) throws IOException {
        RunDirectory resumed = folder.interrupted(trial);
        console.err().println("trial " + trial + " / " + trials + ": " + values + (resumed == null ? ""
                : ", resumed from " + resumed.last()));
        Path trialFolder = folder.trialFolder(trial);
        SweepListener listener = new SweepListener(new TrainingReporter(console, console.interactive(),
                trialFolder.resolve(RunDirectory.CURVES)), pruner);
        String status;
        try (TrainingSession session = TrainingSession.open(config, resumed, console, listener)) {
            if (session.start().epoch() < config.epochs()) {
                session.train();
            }
            status = listener.pruned() ? SweepTrial.PRUNED : SweepTrial.FINISHED;
        } catch (TrainingDivergedException e) {
            listener.endBar();
            console.err().println("trial " + trial + " diverged: " + e.getMessage());
            status = SweepTrial.DIVERGED;
        }
        listener.endBar();
        List<Double> top1 = new ArrayList<>();
        for (EpochMetrics row : new MetricsLog(trialFolder).read()) {
            top1.add(row.valTop1());
        }
        return new SweepTrial(trial, values, top1, status);
    }
}
