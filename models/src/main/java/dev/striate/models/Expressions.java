package dev.striate.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.Suggestions;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Block parameters inside a block's body: a string that starts with {@code $} is replaced by its value.
 * {@code "$width"} is the argument itself (any JSON value); {@code "$width * 4"} or {@code "$(in + out) / 2"} is
 * arithmetic over numeric arguments with + - * / // % and parentheses. A whole-number result becomes an integer.
 */
final class Expressions {
    private final Map<String, JsonNode> arguments;
    private final String source;
    private final String blockName;

    Expressions(Map<String, JsonNode> arguments, String source, String blockName) {
        this.arguments = arguments;
        this.source = source;
        this.blockName = blockName;
    }

    /** A copy of {@code node} (found at {@code path}) with every {@code $} expression replaced by its value. */
    JsonNode substitute(JsonNode node, String path) {
        if (node.isTextual() && node.asText().startsWith("$")) {
            return evaluate(node.asText(), path);
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(substitute(node.get(i), path + "[" + i + "]"));
            }
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(e -> copy.set(e.getKey(), substitute(e.getValue(), path + "." + e.getKey())));
            return copy;
        }
        return node;
    }

    private JsonNode evaluate(String text, String path) {
        String body = text.substring(1).strip();
        JsonNode whole = arguments.get(body);
        if (whole != null) {
            return whole;
        }
        double value = new Parser(text, body, path).parse();
        if (value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE) {
            return IntNode.valueOf((int) value);
        }
        return DoubleNode.valueOf(value);
    }

    /** Recursive descent over: expr = term (('+'|'-') term)*; term = unary (('*'|'/'|'//'|'%') unary)*. */
    private final class Parser {
        private final String text;
        private final String input;
        private final String path;
        private int position;
        /** Parentheses and unary minus open at the position, bounded by {@link SpecLimits#MAX_EXPRESSION_DEPTH}. */
        private int depth;

        Parser(String text, String input, String path) {
            this.text = text;
            this.input = input;
            this.path = path;
        }

        double parse() {
            double value = expression();
            skipSpaces();
            if (position < input.length()) {
                throw error("unexpected '" + input.charAt(position) + "'");
            }
            return value;
        }

        private double expression() {
            double value = term();
            while (true) {
                if (accept("+")) {
                    value += term();
                } else if (accept("-")) {
                    value -= term();
                } else {
                    return value;
                }
            }
        }

        private double term() {
            double value = unary();
            while (true) {
                if (accept("//")) {
                    value = Math.floor(value / nonZero(unary()));
                } else if (accept("*")) {
                    value *= unary();
                } else if (accept("/")) {
                    value /= nonZero(unary());
                } else if (accept("%")) {
                    double divisor = nonZero(unary());
                    value = value - divisor * Math.floor(value / divisor);
                } else {
                    return value;
                }
            }
        }

        private double unary() {
            if (accept("-")) {
                return -nested(this::unary);
            }
            if (accept("(")) {
                double value = nested(this::expression);
                if (!accept(")")) {
                    throw error("missing ')'");
                }
                return value;
            }
            skipSpaces();
            int start = position;
            if (position < input.length() && isNumberCharacter(input.charAt(position))) {
                while (position < input.length() && isNumberCharacter(input.charAt(position))) {
                    position++;
                }
                try {
                    return Double.parseDouble(input.substring(start, position));
                } catch (NumberFormatException e) {
                    throw error("'" + input.substring(start, position) + "' is not a number");
                }
            }
            while (position < input.length()
                    && (Character.isLetterOrDigit(input.charAt(position)) || input.charAt(position) == '_')) {
                position++;
            }
            if (start == position) {
                throw error(position < input.length() ? "unexpected '" + input.charAt(position) + "'"
                        : "the expression ends too early");
            }
            return argument(input.substring(start, position));
        }

        private double nested(DoubleSupplier inner) {
            if (depth >= SpecLimits.MAX_EXPRESSION_DEPTH) {
                throw error("parentheses and minus signs nest more than " + SpecLimits.MAX_EXPRESSION_DEPTH
                        + " deep");
            }
            depth++;
            try {
                return inner.getAsDouble();
            } finally {
                depth--;
            }
        }

        private static boolean isNumberCharacter(char c) {
            return Character.isDigit(c) || c == '.';
        }

        private double argument(String name) {
            JsonNode value = arguments.get(name);
            if (value == null) {
                throw error("block '" + blockName + "' has no parameter '" + Attributes.abbreviate(name) + "'"
                        + Suggestions.didYouMean(name, arguments.keySet()) + "; its parameters: "
                        + String.join(", ", arguments.keySet()));
            }
            if (!value.isNumber()) {
                throw error("parameter '" + name + "' is " + Attributes.describe(value)
                        + ", not a number, so it cannot take part in arithmetic");
            }
            return value.asDouble();
        }

        private double nonZero(double divisor) {
            if (divisor == 0) {
                throw error("division by zero");
            }
            return divisor;
        }

        private boolean accept(String token) {
            skipSpaces();
            if (input.startsWith(token, position)) {
                position += token.length();
                return true;
            }
            return false;
        }

        private void skipSpaces() {
            while (position < input.length() && Character.isWhitespace(input.charAt(position))) {
                position++;
            }
        }

        private SpecException error(String message) {
            return SpecException.at(source, path, "in \"" + Attributes.abbreviate(text) + "\": " + message);
        }
    }
}
