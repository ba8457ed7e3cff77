package dev.striate.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.backend.DeviceSelection;
import dev.striate.core.backend.Precision;
import dev.striate.core.optim.Schedules;
import dev.striate.core.optim.UpdateRules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Merges training settings from three layers, each overriding the one before: a base (a resumed run's
 * {@code config.json}, or nothing), the {@code --config} file ({@link TrainingConfigFile}), and the flags given on the
 * command line; then fills in defaults and checks every value. Keys are the flag names ({@link TrainingSettingKeys}).
 */
public final class TrainingConfigParser {
    /** The settings a resumed run may change: none of them alters what the next training step computes. */
    public static final Set<String> RESUMABLE = Set.of("epochs", "device", "precision", "workers", "patience",
            "checkpoint-every", "data", "out");

    private TrainingConfigParser() {
    }

    /** {@code base} with each flag's value (its text from the command line) put over it. */
    public static ObjectNode overlay(ObjectNode base, Map<String, String> flags) {
        ObjectNode result = base.deepCopy();
        flags.forEach((key, text) -> result.set(key, TrainingSettingKeys.fromFlag(key, text)));
        return result;
    }

    /** {@code base} with the keys of {@code upper} put over it. */
    public static ObjectNode overlay(ObjectNode base, ObjectNode upper) {
        ObjectNode result = base.deepCopy();
        result.setAll(upper.deepCopy());
        return result;
    }

    /**
     * The settings with defaults filled in and every value checked, so a run fails on a bad value before it starts.
     * {@code lr} defaults to 0.001 for adam and adamw and 0.01 otherwise; {@code momentum} to 0.9 for sgd and 0
     * otherwise; {@code out} to {@code runs/<model>-<stamp>} with the given stamp.
     */
    public static TrainingConfig resolve(ObjectNode settings, String stamp) {
        Values v = new Values(settings);
        String model = v.text("model", null);
        if (model == null || model.isBlank()) {
            throw new UserException("no model given: name a zoo model (e.g. lenet5, resnet18; docs/model-spec.md lists them) or a spec file");
        }
        String data = v.text("data", null);
        if (data == null || data.isBlank()) {
            throw new UserException("--data is required: an image folder (ROOT/train/<class>/..., ROOT/val/...,"
                    + " or ROOT/<class>/...) or a folder of IDX files");
        }
        String optimizer = v.text("optimizer", "sgd").strip().toLowerCase(Locale.ROOT);
        boolean adam = optimizer.equals("adam") || optimizer.equals("adamw");
        double lr = v.number("lr", adam ? 0.001 : 0.01);
        double momentum = v.number("momentum", optimizer.equals("sgd") ? 0.9 : 0);
        boolean nesterov = v.flag("nesterov");
        double weightDecay = v.number("weight-decay", 0);
        UpdateRules.named(optimizer, momentum, weightDecay, nesterov);
        int epochs = v.whole("epochs", 10);
        int warmupEpochs = v.whole("warmup-epochs", 0);
        String schedule = v.text("schedule", "constant");
        Schedules.parse(schedule, lr, epochs, warmupEpochs);
        int batch = atLeast(v.whole("batch", 64), 1, "batch");
        double labelSmoothing = v.number("label-smoothing", 0);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new UserException("--label-smoothing must be at least 0 and below 1, got " + labelSmoothing);
        }
        double clip = v.number("clip-grad-norm", 0);
        if (clip < 0) {
            throw new UserException("--clip-grad-norm must be 0 (off) or positive, got " + clip);
        }
        Precision precision = Precision.parse(v.text("precision", "fp32"));
        double valSplit = v.number("val-split", 0.1);
        if (!(valSplit >= 0 && valSplit < 1)) {
            throw new UserException("--val-split must be at least 0 and below 1, got " + valSplit);
        }
        String transforms = v.text("transforms", "auto").strip().toLowerCase(Locale.ROOT);
        if (!List.of("auto", "imagenet", "plain").contains(transforms)) {
            throw new UserException("--transforms must be auto, imagenet or plain, got '" + transforms + "'");
        }
        String device = DeviceSelection.parse(v.text("device", "auto")).toString();
        InputShape input = v.absent("input") ? null : InputShape.parse(v.text("input", null));
        List<String> freeze = Arrays.stream(v.text("freeze", "").split(",")).map(String::strip)
                .filter(prefix -> !prefix.isEmpty()).toList();
        String out = v.text("out", null);
        if (out == null || out.isBlank()) {
            out = Path.of("runs", Path.of(model).getFileName().toString().replaceFirst("\\.json$", "") + "-" + stamp)
                    .toString();
        }
        return new TrainingConfig(model.strip(), data.strip(), input, atLeast(epochs, 1, "epochs"), batch, lr,
                optimizer, momentum, nesterov, weightDecay, v.flag("no-decay-bias-bn"), schedule, warmupEpochs,
                labelSmoothing, clip, device, precision,
                atLeast(v.whole("workers", Math.max(1, Runtime.getRuntime().availableProcessors())), 1, "workers"),
                v.wholeLong("seed", 0), valSplit, out, v.text("weights", null), freeze,
                atLeast(v.whole("patience", 0), 0, "patience"), atLeast(v.whole("checkpoint-every", 0), 0,
                "checkpoint-every"), transforms, v.object("train-transform"), v.object("eval-transform"));
    }

    /**
     * The settings a resumed run would change although they alter its results; the command refuses to resume with
     * them so that a resumed run stays the run it continues.
     */
    public static List<String> changedOnResume(TrainingConfig original, TrainingConfig resumed) {
        ObjectNode before = original.toJson();
        ObjectNode after = resumed.toJson();
        List<String> changed = new ArrayList<>();
        for (String key : TrainingSettingKeys.names()) {
            if (!RESUMABLE.contains(key) && !before.path(key).equals(after.path(key))) {
                changed.add("--" + key + " " + before.path(key) + " -> " + after.path(key));
            }
        }
        return changed;
    }

    private static int atLeast(int value, int least, String key) {
        if (value < least) {
            throw new UserException("--" + key + " must be at least " + least + ", got " + value);
        }
        return value;
    }

    /** Typed reads of checked settings, with defaults for absent or null keys. */
    private record Values(ObjectNode settings) {
        boolean absent(String key) {
            return !settings.hasNonNull(key);
        }

        String text(String key, String fallback) {
            return absent(key) ? fallback : settings.get(key).asText();
        }

        int whole(String key, int fallback) {
            return absent(key) ? fallback : settings.get(key).intValue();
        }

        long wholeLong(String key, long fallback) {
            return absent(key) ? fallback : settings.get(key).longValue();
        }

        double number(String key, double fallback) {
            return absent(key) ? fallback : settings.get(key).doubleValue();
        }

        boolean flag(String key) {
            return !absent(key) && settings.get(key).booleanValue();
        }

        JsonNode object(String key) {
            return absent(key) ? null : settings.get(key);
        }
    }
}
