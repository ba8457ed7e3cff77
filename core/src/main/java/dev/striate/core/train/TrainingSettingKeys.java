package dev.striate.core.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.Suggestions;
import dev.striate.core.UserException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The keys of training settings and the type of each: one list for the flags of {@code striate train} and the keys
 * of a {@code --config} file, which are the same names. Checks a JSON object of settings and turns a flag's text into
 * its JSON value; an unknown key gets a "did you mean".
 */
public final class TrainingSettingKeys {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Kind> KEYS = keys();

    private enum Kind { TEXT, WHOLE, LONG, NUMBER, SWITCH, OBJECT }

    private TrainingSettingKeys() {
    }

    private static Map<String, Kind> keys() {
        Map<String, Kind> keys = new LinkedHashMap<>();
        keys.put("model", Kind.TEXT);
        keys.put("data", Kind.TEXT);
        keys.put("input", Kind.TEXT);
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
        keys.put("freeze", Kind.TEXT);
        keys.put("patience", Kind.WHOLE);
        keys.put("checkpoint-every", Kind.WHOLE);
        keys.put("transforms", Kind.TEXT);
        keys.put("train-transform", Kind.OBJECT);
        keys.put("eval-transform", Kind.OBJECT);
        return Map.copyOf(keys);
    }

    /** Every key a config file or the flags may set. */
    public static Set<String> names() {
        return KEYS.keySet();
    }

    /** Whether a setting holds a number, whole or not (a sweep draws such settings from ranges). */
    public static boolean isNumeric(String key) {
        return KEYS.get(key) == Kind.NUMBER || isWholeNumber(key);
    }

    /** Whether a setting holds a whole number. */
    public static boolean isWholeNumber(String key) {
        Kind kind = KEYS.get(key);
        return kind == Kind.WHOLE || kind == Kind.LONG;
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

    /** The JSON value of a flag given as text on the command line. */
    static JsonNode fromFlag(String key, String text) {
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
            throw new UserException(source + ": unknown setting '" + key + "'" + Suggestions.didYouMean(key,
                    KEYS.keySet()) + "; valid: " + String.join(", ", KEYS.keySet().stream().sorted().toList()));
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
}
