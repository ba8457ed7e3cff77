package dev.striate.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.FileNames;
import dev.striate.core.Suggestions;
import dev.striate.core.op.Initializer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Typed reading of one JSON object of a spec (a layer, a block use, the model itself). Unknown keys are rejected
 * when the object is opened, before any value is read, so a misspelt attribute is reported as such rather than as a
 * missing one. Every error names the JSON path of the value at fault.
 */
final class Attributes {
    private final String source;
    private final String path;
    private final String what;
    private final ObjectNode node;

    /**
     * Opens {@code node}, found at {@code path}, described as {@code what} in messages ("conv2d"); {@code allowed}
     * are its valid keys ("comment" is allowed everywhere: JSON has no comments).
     */
    Attributes(String source, String path, String what, ObjectNode node, List<String> allowed) {
        this.source = source;
        this.path = path;
        this.what = what;
        this.node = node;
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!key.equals("comment") && !allowed.contains(key)) {
                TreeSet<String> valid = new TreeSet<>(allowed);
                throw fail("unknown attribute '" + abbreviate(key) + "' of " + what + Suggestions.didYouMean(key, valid)
                        + "; valid attributes: " + String.join(", ", valid));
            }
        }
    }

    String path() {
        return path;
    }

    String source() {
        return source;
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    JsonNode get(String key) {
        return node.get(key);
    }

    JsonNode required(String key) {
        if (!has(key)) {
            throw fail(what + " needs the attribute '" + key + "'");
        }
        return node.get(key);
    }

    /** An error about the whole object. */
    SpecException fail(String message) {
        return SpecException.at(source, path, message);
    }

    /** An error about one attribute's value. */
    SpecException error(String key, String message) {
        return SpecException.at(source, path.isEmpty() ? key : path + "." + key, message);
    }

    void check(String key, boolean valid, String message) {
        if (!valid) {
            throw error(key, message);
        }
    }

    int integer(String key, int min) {
        return toInt(key, required(key), min);
    }

    int integer(String key, int defaultValue, int min) {
        return has(key) ? toInt(key, node.get(key), min) : defaultValue;
    }

    double number(String key, double defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode value = node.get(key);
        if (!value.isNumber()) {
            throw error(key, "must be a number, got " + describe(value));
        }
        return value.asDouble();
    }

    boolean bool(String key, boolean defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode value = node.get(key);
        if (!value.isBoolean()) {
            throw error(key, "must be true or false, got " + describe(value));
        }
        return value.asBoolean();
    }

    String text(String key) {
        JsonNode value = required(key);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw error(key, "must be a non-empty string, got " + describe(value));
        }
        return value.asText();
    }

    /** The layer's own name segment, or null when it is named by its position. */
    String name() {
        if (!has("name")) {
            return null;
        }
        String name = text("name");
        check("name", !name.contains(".") && name.strip().equals(name),
                "must not contain '.' or surrounding spaces (nest a sequential to add a level), got \"" + name + "\"");
        return name;
    }

    /** Whether a composite names its layers in the enclosing list instead of under a name of its own. */
    boolean inline(boolean defaultValue) {
        // A name asks for a scope of its own, so it turns an inline-by-default block (vgg_block) into a scoped one.
        boolean inline = bool("inline", defaultValue && !has("name"));
        if (inline && has("name")) {
            throw fail("an inline " + what + " has no name of its own; remove \"name\" or \"inline\"");
        }
        return inline;
    }

    /** An int or [height, width]. */
    int[] pair(String key, int[] defaultValue, int min) {
        if (!has(key)) {
            if (defaultValue == null) {
                throw fail(what + " needs the attribute '" + key + "'");
            }
            return defaultValue.clone();
        }
        JsonNode value = node.get(key);
        if (value.isArray()) {
            if (value.size() != 2) {
                throw error(key, "must be an integer or [height, width], got " + describe(value));
            }
            return new int[] {toInt(key + "[0]", value.get(0), min), toInt(key + "[1]", value.get(1), min)};
        }
        int v = toInt(key, value, min);
        return new int[] {v, v};
    }

    /** Padding as [top, bottom, left, right] from an int, [height, width] or [top, bottom, left, right]. */
    int[] padding(String key) {
        if (!has(key)) {
            return new int[4];
        }
        JsonNode value = node.get(key);
        if (value.isArray() && value.size() == 4) {
            int[] p = new int[4];
            for (int i = 0; i < 4; i++) {
                p[i] = toInt(key + "[" + i + "]", value.get(i), 0);
            }
            return p;
        }
        if (value.isArray() && value.size() != 2) {
            throw error(key, "must be an integer, [height, width] or [top, bottom, left, right], got "
                    + describe(value));
        }
        int[] hw = pair(key, null, 0);
        return new int[] {hw[0], hw[0], hw[1], hw[1]};
    }

    /**
     * A channel count: a positive integer, "classes" (the model's class count) or, where {@code fromInput} allows,
     * "in" (the input's channels).
     */
    int channels(String key, int classes, boolean fromInput) {
        JsonNode value = required(key);
        if (value.isTextual() && value.asText().equals("classes")) {
            return classes;
        }
        if (fromInput && value.isTextual() && value.asText().equals("in")) {
            return OpLayer.FROM_INPUT;
        }
        if (!value.isIntegralNumber()) {
            throw error(key, "must be a positive integer" + (fromInput ? ", \"classes\" or \"in\"" : " or \"classes\"")
                    + ", got " + describe(value) + expressionHint(value));
        }
        return toInt(key, value, 1);
    }

    /** Convolution groups: a positive integer or "in" (one group per input channel: depthwise). */
    int groups(String key) {
        if (has(key) && node.get(key).isTextual() && node.get(key).asText().equals("in")) {
            return OpLayer.FROM_INPUT;
        }
        return integer(key, 1, 1);
    }

    Initializer initializer(String key, Initializer defaultValue, boolean forBias) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode value = node.get(key);
        if (!value.isTextual()) {
            throw error(key, "must be a string such as \"kaiming_normal\" or \"normal(0.01)\", got "
                    + describe(value));
        }
        return Initializers.parse(value.asText(), forBias, message -> error(key, message));
    }

    /** Values of a list attribute with their paths, e.g. body[2]. */
    List<JsonNode> list(String key, boolean required) {
        if (!has(key)) {
            if (required) {
                throw fail(what + " needs the attribute '" + key + "' (a list of layers)");
            }
            return List.of();
        }
        JsonNode value = node.get(key);
        if (!value.isArray()) {
            throw error(key, "must be a list, got " + describe(value));
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    private int toInt(String key, JsonNode value, int min) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw error(key, "must be an integer, got " + describe(value) + expressionHint(value));
        }
        int v = value.asInt();
        if (v < min) {
            throw error(key, "must be " + (min == 1 ? "positive" : min == 0 ? "zero or more" : "at least " + min)
                    + ", got " + v);
        }
        return v;
    }

    private static String expressionHint(JsonNode value) {
        return value.isTextual() && value.asText().startsWith("$")
                ? " ('$' expressions are evaluated only inside a block declared under \"blocks\")" : "";
    }

    /** A value as it appears in JSON, shortened. */
    static String describe(JsonNode value) {
        return abbreviate(value.toString());
    }

    /**
     * Text from the spec, shortened to 40 characters and with its control characters escaped (a layer type may hold
     * a newline), so that a message stays one short line.
     */
    static String abbreviate(String text) {
        return FileNames.oneLine(text.length() > 40 ? text.substring(0, 37) + "..." : text);
    }
}
