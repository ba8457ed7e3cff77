package dev.striate.core.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.backend.Precision;
import dev.striate.core.optim.Schedules;
import dev.striate.core.optim.UpdateRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Merges training settings from three layers, each overriding the one before: a base (a resumed run's
 * {@code config.json}, or nothing), the {@code --config} file, and the flags given on the command line. Keys are the
 * flag names; unknown keys and values of the wrong type are the user's mistake, named with where they came from.
 */
public final class TrainingConfigParser {
    /** The settings a resumed run may change: none of them alters what the next training step computes. */
    public static final Set<String> RESUMABLE = Set.of("epochs", "device", "precision", "workers", "patience",
            "checkpoint-every", "data", "out");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Kind> KEYS = keys();

    private enum Kind { TEXT, WHOLE, LONG, NUMBER, SWITCH, OBJECT }

    private TrainingConfigParser() {
    }

    private static Map<String, Kind> keys() {
        Map<String, Kind> keys = new LinkedHashMap<>();
        keys.put("model", Kind.TEXT);
        keys.put("data", Kind.TEXT);
        keys.put("epochs", Kind.WHOLE);
        keys.put("batch", Kind.WHOLE);
        keys.put("lr", Kind.NUMBER);
        keys.put("optimizer", Kind.TEXT);
        keys.put("momentum", Kind.NUMBER);
        keys.put("nesterov", Kind.SWITCH);
        keys.put("weight-decay", Kind.NUMBER);
        keys.put("no-decay-bias-bn", Kind.SWITCH);
        keys.put("schedule", Kind.TEXT);
        keys.put("warmup-epochs", Kind.WHOLE);
        keys.put("label-smoothing", Kind.NUMBER);
        keys.put("clip-grad-norm", Kind.NUMBER);
        keys.put("device", Kind.TEXT);
        keys.put("precision", Kind.TEXT);
        keys.put("workers", Kind.WHOLE);
        keys.put("seed", Kind.LONG);
        keys.put("val-split", Kind.NUMBER);
        keys.put("out", Kind.TEXT);
        keys.put("weights", Kind.TEXT);
        keys.put("patience", Kind.WHOLE);
        keys.put("checkpoint-every", Kind.WHOLE);
        keys.put("transforms", Kind.TEXT);
        keys.put("train-transform", Kind.OBJECT);
        keys.put("eval-transform", Kind.OBJECT);
        return Map.copyOf(keys);
    }

    /** Every key a config file or the flags may set. */
    public static Set<String> keyNames() {
        return KEYS.keySet();
    }

    /** Whether a setting holds a number, whole or not (a sweep draws such settings from ranges). */
    public static boolean isNumeric(String key) {
        Kind kind = KEYS.get(key);
        return kind == Kind.NUMBER || isWholeNumber(key);
    }

    /** Whether a setting holds a whole number. */
    public static boolean isWholeNumber(String key) {
        Kind kind = KEYS.get(key);
        return kind == Kind.WHOLE || kind == Kind.LONG;
    }

    /** A {@code --config} file as a JSON object whose keys and value types are checked. */
    public static ObjectNode readFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserException("--config " + file + ": no such file");
        } catch (IOException e) {
            throw new UserException("--config " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UserException("--config " + file + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ")");
        }
        return checked(node, file.toString());
    }

    /** A JSON object of settings (a config file, a run's config.json) with every key and value type checked. */
    public static ObjectNode checked(JsonNode node, String source) {
        if (node == null || !node.isObject()) {
            throw new UserException(source + ": expected a JSON object of settings keyed by flag name, e.g."
                    + " {\"epochs\": 10, \"lr\": 0.1}");
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            Kind kind = kindOf(field.getKey(), source);
            JsonNode value = field.getValue();
            if (!value.isNull() && !fits(kind, value)) {
                throw new UserException(source + ": '" + field.getKey() + "' must be " + describe(kind) + ", got "
                        + value);
            }
            result.set(field.getKey(), value);
        }
        return result;
    }

    /** {@code base} with each flag's value (its text from the command line) put over it. */
    public static ObjectNode overlay(ObjectNode base, Map<String, String> flags) {
        ObjectNode result = base.deepCopy();
        flags.forEach((key, text) -> result.set(key, fromFlag(key, text)));
        return result;
    }

    /** {@code base} with the keys of {@code upper} put over it. */
    public static ObjectNode overlay(ObjectNode base, ObjectNode upper) {
        ObjectNode result = base.deepCopy();
        result.setAll(upper.deepCopy());
        return result;
    }

    private static JsonNode fromFlag(String key, String text) {
        Kind kind = kindOf(key, "flags");
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        String value = text.strip();
        try {
            return switch (kind) {
                case TEXT -> nodes.textNode(value);
                case WHOLE -> nodes.numberNode(Integer.parseInt(value));
                case LONG -> nodes.numberNode(Long.parseLong(value));
                case NUMBER -> nodes.numberNode(finite(Double.parseDouble(value)));
                case SWITCH -> nodes.booleanNode(switchValue(value));
                case OBJECT -> objectFromFlag(value);
            };
        } catch (IllegalArgumentException e) {
            throw new UserException("--" + key + " must be " + describe(kind) + ", got '" + text + "'");
        }
    }

    private static double finite(double value) {
        if (!Double.isFinite(value)) {
            throw new NumberFormatException("not finite");
        }
        return value;
    }

    private static boolean switchValue(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("not a switch");
        };
    }

    private static JsonNode objectFromFlag(String value) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not an object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Kind kindOf(String key, String source) {
        Kind kind = KEYS.get(key);
        if (kind == null) {
            throw new UserException(source + ": unknown setting '" + key + "'; valid: "
                    + String.join(", ", KEYS.keySet().stream().sorted().toList()));
        }
        return kind;
    }

    private static boolean fits(Kind kind, JsonNode value) {
        return switch (kind) {
            case TEXT -> value.isTextual();
            case WHOLE -> value.isIntegralNumber() && value.canConvertToInt();
            case LONG -> value.isIntegralNumber() && value.canConvertToLong();
            case NUMBER -> value.isNumber() && Double.isFinite(value.doubleValue());
            case SWITCH -> value.isBoolean();
            case OBJECT -> value.isObject();
        };
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case TEXT -> "text";
            case WHOLE, LONG -> "a whole number";
            case NUMBER -> "a finite number";
            case SWITCH -> "true or false";
            case OBJECT -> "a JSON object";
        };
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
        String out = v.text("out", null);
        if (out == null || out.isBlank()) {
            out = Path.of("runs", Path.of(model).getFileName().toString().replaceFirst("\\.json$", "") + "-" + stamp)
                    .toString();
        }
        return new TrainingConfig(model.strip(), data.strip(), atLeast(epochs, 1, "epochs"), batch, lr, optimizer,
                momentum, nesterov, weightDecay, v.flag("no-decay-bias-bn"), schedule, warmupEpochs, labelSmoothing,
                clip, v.text("device", "auto").strip().toLowerCase(Locale.ROOT), precision,
                atLeast(v.whole("workers", Math.max(1, Runtime.getRuntime().availableProcessors())), 1, "workers"),
                v.wholeLong("seed", 0), valSplit, out, v.text("weights", null),
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
        for (String key : KEYS.keySet()) {
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
        private boolean absent(String key) {
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
