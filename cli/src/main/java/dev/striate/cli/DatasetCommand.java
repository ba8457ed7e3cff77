package dev.striate.cli;

import dev.striate.core.UserException;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code striate dataset}: {@code info} ({@link DatasetInfo}), {@code export-folder} ({@link DatasetExport}) and
 * {@code bench} ({@link DatasetBench}).
 */
final class DatasetCommand implements Command {

    @Override
    public String name() {
        return "dataset";
    }

    @Override
    public String summary() {
        return "inspect a data set (info), write an IDX set as an image folder (export-folder), or time the loader "
                + "(bench)";
    }

    @Override
    public String usage() {
        return "info DIR [--json] [--workers N] | export-folder IDX_DIR OUT | bench DIR [--workers N] "
                + "[--transforms imagenet|plain] [--batch B] [--epochs E] [--json]   (DIR may also be "
                + "fashion-mnist-subset or fashion-mnist)";
    }

    @Override
    public Options options() {
        return CommonOptions.addWorkers(CommonOptions.addJson(new Options()))
                .addOption(Option.builder().longOpt("transforms").hasArg().argName("imagenet|plain")
                        .desc("bench: ImageNet training augmentation at 224x224 (default), or a plain resize").build())
                .addOption(Option.builder().longOpt("batch").hasArg().argName("B")
                        .desc("bench: images per batch (default " + DatasetBench.DEFAULT_BATCH + ")").build())
                .addOption(Option.builder().longOpt("epochs").hasArg().argName("E")
                        .desc("bench: passes over the data; the first is a warm-up (default "
                                + DatasetBench.DEFAULT_EPOCHS + ")").build());
    }

    @Override
    public int run(CommandLine line, Console console) throws Exception {
        List<String> args = line.getArgList();
        if (args.isEmpty()) {
            throw new UserException("missing subcommand: info DIR or export-folder IDX_DIR OUT");
        }
        return switch (args.getFirst()) {
            case "info" -> {
                requireArguments(args, 2, "info DIR");
                yield DatasetInfo.run(args.get(1), CommonOptions.workers(line), CommonOptions.json(line), console);
            }
            case "export-folder" -> {
                requireArguments(args, 3, "export-folder IDX_DIR OUT");
                yield DatasetExport.run(args.get(1), Path.of(args.get(2)), console);
            }
            case "bench" -> {
                requireArguments(args, 2, "bench DIR");
                yield DatasetBench.run(args.get(1), new DatasetBench.Settings(CommonOptions.workers(line),
                        line.getOptionValue("transforms", "imagenet"),
                        CommandArguments.positive(line, "batch", DatasetBench.DEFAULT_BATCH),
                        CommandArguments.positive(line, "epochs", DatasetBench.DEFAULT_EPOCHS)),
                        CommonOptions.json(line), console);
            }
            default -> throw new UserException("unknown subcommand '" + args.getFirst()
                    + "'; subcommands: info, export-folder, bench");
        };
    }

    private static void requireArguments(List<String> args, int count, String usage) {
        if (args.size() != count) {
            throw new UserException("expected " + usage + ", got " + String.join(" ", args));
        }
    }
}
