package dev.striate.cli;

import dev.striate.core.optim.Schedules;
import dev.striate.core.optim.UpdateRules;
import dev.striate.core.train.FrozenParameters;
import dev.striate.core.train.TrainingSettingKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * The flags of {@code striate train}, one per setting of {@link TrainingSettingKeys} and named like its keys, so
 * that a {@code --config} file and the command line read alike.
 */
final class TrainingFlags {
    private TrainingFlags() {
    }

    static Options options() {
        Options options = new Options();
        value(options, "data", "DIR", "image folder (ROOT/train/<class>, ROOT/val/<class> or ROOT/<class>), IDX"
                + " folder, or fashion-mnist-subset / fashion-mnist");
        value(options, "input", "C,H,W", "input image shape instead of the spec's, e.g. 3,64,64");
        value(options, "epochs", "N", "epochs to train (default 10)");
        value(options, "batch", "N", "images per batch (default 64)");
        value(options, "lr", "RATE", "base learning rate (default 0.01; 0.001 for adam and adamw)");
        value(options, "optimizer", "NAME", UpdateRules.VALID_NAMES + " (default sgd)");
        value(options, "momentum", "M", "momentum of sgd and rmsprop (default 0.9 for sgd)");
        flag(options, "nesterov", "Nesterov momentum (sgd)");
        value(options, "weight-decay", "WD", "L2 weight decay (AdamW: decoupled) (default 0)");
        flag(options, "no-decay-bias-bn", "no weight decay on biases and batch-norm parameters");
        value(options, "schedule", "SCHEDULE", Schedules.FORMS + " (default constant)");
        value(options, "warmup-epochs", "N", "linear warm-up epochs before the schedule (default 0)");
        value(options, "label-smoothing", "EPS", "label smoothing of the cross-entropy (default 0)");
        value(options, "clip-grad-norm", "MAX", "clip gradients to this global L2 norm (default 0: off)");
        CommonOptions.addDevice(options);
        CommonOptions.addPrecision(options);
        CommonOptions.addWorkers(options);
        value(options, "seed", "N", "seed of initialization, shuffling, augmentation and dropout (default 0)");
        value(options, "val-split", "F", "fraction of each class held out for validation when the data has no"
                + " validation part (default 0.1)");
        value(options, "out", "RUN_DIR", "run folder for checkpoints and metrics (default runs/MODEL-TIME)");
        value(options, "weights", "FILE", "initial weights (safetensors); a classifier that does not fit the data's"
                + " classes starts afresh (fine-tuning)");
        value(options, "freeze", "PREFIXES", "parameters left unchanged: name prefixes, e.g. conv1,layer1, or "
                + FrozenParameters.BACKBONE + " (all but the classifier); their batch norms keep running statistics");
        value(options, "patience", "N", "stop after N epochs without a better validation top-1 (default 0: off)");
        value(options, "checkpoint-every", "K", "also write last/ after every K batches (default 0: each epoch)");
        value(options, "transforms", "KIND", "auto (imagenet for inputs of 64 pixels a side or more, else plain),"
                + " imagenet (random crops, flips) or plain (resize only)");
        value(options, "train-transform", "JSON", "training pipeline overrides, e.g. {\"flip\": 0}");
        value(options, "eval-transform", "JSON", "evaluation pipeline overrides, e.g. {\"resize\": 256}");
        value(options, "config", "FILE", "JSON file of settings keyed by flag name, or a run's config.json; flags"
                + " win");
        value(options, "resume", "RUN_DIR", "continue a run from its last/ checkpoint");
        return options;
    }

    private static void value(Options options, String name, String argName, String description) {
        options.addOption(Option.builder().longOpt(name).hasArg().argName(argName).desc(description).build());
    }

    private static void flag(Options options, String name, String description) {
        options.addOption(Option.builder().longOpt(name).desc(description).build());
    }

    /** The settings given as flags, keyed by flag name, as text; switches given are "true". */
    static Map<String, String> read(CommandLine line) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String key : TrainingSettingKeys.names()) {
            if (line.hasOption(key)) {
                String value = line.getOptionValue(key);
                flags.put(key, value == null ? "true" : value);
            }
        }
        return flags;
    }
}
