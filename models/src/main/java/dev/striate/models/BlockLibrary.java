package dev.striate.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.Suggestions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The blocks a spec declares under {@code "blocks"}: named parameters (with optional defaults) and a body of
 * layers. A use, {@code {"use": "fire", "args": {"squeeze": 16}}}, substitutes the arguments into the body's
 * {@code $} expressions and parses the result where it is used, so errors name both the use and the block.
 */
final class BlockLibrary {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String source;
    private final Map<String, Definition> definitions;
    /** The blocks being expanded, innermost last, to detect a block that uses itself. */
    private final Deque<String> expanding = new ArrayDeque<>();

    private record Definition(String name, List<String> parameters, Map<String, JsonNode> defaults, JsonNode body) {
    }

    private BlockLibrary(String source, Map<String, Definition> definitions) {
        this.source = source;
        this.definitions = definitions;
    }

    /** The declarations of {@code blocks} (null when the spec has none), checked for form, not yet for content. */
    static BlockLibrary read(String source, JsonNode blocks) {
        Map<String, Definition> definitions = new TreeMap<>();
        if (blocks == null || blocks.isNull()) {
            return new BlockLibrary(source, definitions);
        }
        if (!blocks.isObject()) {
            throw SpecException.at(source, "blocks", "must be an object of block names to declarations, got "
                    + Attributes.describe(blocks));
        }
        for (Map.Entry<String, JsonNode> entry : blocks.properties()) {
            String name = entry.getKey();
            String path = "blocks." + name;
            if (!IDENTIFIER.matcher(name).matches()) {
                throw SpecException.at(source, path, "a block name is letters, digits and '_', not starting with a "
                        + "digit");
            }
            if (!entry.getValue().isObject()) {
                throw SpecException.at(source, path, "must be an object with \"params\" and \"body\", got "
                        + Attributes.describe(entry.getValue()));
            }
            Attributes a = new Attributes(source, path, "block declaration", (ObjectNode) entry.getValue(),
                    List.of("params", "defaults", "body"));
            List<String> parameters = parameters(a);
            Map<String, JsonNode> defaults = new LinkedHashMap<>();
            if (a.has("defaults")) {
                JsonNode given = a.get("defaults");
                if (!given.isObject()) {
                    throw a.error("defaults", "must be an object of parameter names to values");
                }
                for (Map.Entry<String, JsonNode> d : given.properties()) {
                    if (!parameters.contains(d.getKey())) {
                        throw a.error("defaults." + d.getKey(), "is not one of the block's params ("
                                + String.join(", ", parameters) + ")" + Suggestions.didYouMean(d.getKey(), parameters));
                    }
                    defaults.put(d.getKey(), d.getValue());
                }
            }
            List<JsonNode> body = a.list("body", true);
            if (body.isEmpty()) {
                throw a.error("body", "must hold at least one layer");
            }
            definitions.put(name, new Definition(name, parameters, defaults, a.get("body")));
        }
        return new BlockLibrary(source, definitions);
    }

    private static List<String> parameters(Attributes a) {
        List<String> parameters = new ArrayList<>();
        if (!a.has("params")) {
            return parameters;
        }
        JsonNode given = a.get("params");
        if (!given.isArray()) {
            throw a.error("params", "must be a list of parameter names, got " + Attributes.describe(given));
        }
        for (int i = 0; i < given.size(); i++) {
            JsonNode p = given.get(i);
            if (!p.isTextual() || !IDENTIFIER.matcher(p.asText()).matches()) {
                throw a.error("params[" + i + "]", "must be a name of letters, digits and '_', got "
                        + Attributes.describe(p));
            }
            if (parameters.contains(p.asText())) {
                throw a.error("params[" + i + "]", "'" + Attributes.abbreviate(p.asText()) + "' is declared twice");
            }
            parameters.add(p.asText());
        }
        return parameters;
    }

    /** The layer a use stands for: the block's body with the arguments substituted, as a sequential. */
    Layer use(ObjectNode node, String path, LayerParser parser) {
        Attributes a = new Attributes(source, path, "block use", node, List.of("use", "args", "name", "inline"));
        String name = a.text("use");
        Definition definition = definitions.get(name);
        if (definition == null) {
            throw a.error("use", "block '" + Attributes.abbreviate(name) + "' is not declared under \"blocks\""
                    + Suggestions.didYouMean(name, definitions.keySet())
                    + (definitions.isEmpty() ? "; this spec declares no blocks"
                    : "; declared blocks: " + String.join(", ", definitions.keySet())));
        }
        if (expanding.contains(name)) {
            throw a.error("use", "block '" + name + "' uses itself: " + String.join(" -> ", expanding) + " -> "
                    + name + "; a block cannot contain itself");
        }
        Map<String, JsonNode> arguments = arguments(a, definition);
        String bodyPath = path + " -> blocks." + name + ".body";
        JsonNode body = new Expressions(arguments, source, name).substitute(definition.body(), bodyPath);
        List<JsonNode> items = new ArrayList<>();
        body.forEach(items::add);
        expanding.addLast(name);
        try {
            return new SequentialLayer(a.name(), path, parser.list(items, bodyPath), a.inline(false));
        } finally {
            expanding.removeLast();
        }
    }

    private Map<String, JsonNode> arguments(Attributes a, Definition definition) {
        Map<String, JsonNode> arguments = new LinkedHashMap<>();
        JsonNode given = a.has("args") ? a.get("args") : null;
        if (given != null && !given.isObject()) {
            throw a.error("args", "must be an object of parameter names to values, got " + Attributes.describe(given));
        }
        if (given != null) {
            for (Map.Entry<String, JsonNode> e : given.properties()) {
                if (!definition.parameters().contains(e.getKey())) {
                    throw a.error("args." + e.getKey(), "block '" + definition.name() + "' has no parameter '"
                            + Attributes.abbreviate(e.getKey()) + "'" + Suggestions.didYouMean(e.getKey(), definition.parameters())
                            + "; its parameters: " + (definition.parameters().isEmpty() ? "none"
                            : String.join(", ", definition.parameters())));
                }
            }
        }
        for (String parameter : definition.parameters()) {
            JsonNode value = given != null && given.has(parameter) ? given.get(parameter)
                    : definition.defaults().get(parameter);
            if (value == null) {
                throw a.error("args", "block '" + definition.name() + "' needs the argument '" + parameter
                        + "' (it has no default)");
            }
            arguments.put(parameter, value);
        }
        return arguments;
    }
}
