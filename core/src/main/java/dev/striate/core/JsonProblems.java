package dev.striate.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * What is wrong with a user's JSON, in the user's terms: Jackson's own messages name its classes and features
 * ("enable JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS"), which say nothing to someone who wrote a spec or a config.
 */
public final class JsonProblems {
    private JsonProblems() {
    }

    /** One short line; without the location, which the caller adds in its own form (file:line:column). */
    public static String describe(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof StreamConstraintsException && original.contains("nesting depth")) {
            return "objects and lists nest more than 1000 deep";
        }
        if (e instanceof StreamConstraintsException) {
            return "a number, name or text is longer than JSON input may hold here";
        }
        if (original.startsWith("Non-standard token")) {
            return "NaN and Infinity are not JSON numbers; write a finite number";
        }
        if (e instanceof MismatchedInputException && original.startsWith("Trailing token")) {
            return "more JSON follows the first value; a file holds one JSON object";
        }
        String firstLine = original.lines().findFirst().orElse("").strip();
        int marker = firstLine.indexOf(" (start marker at [Source");
        String message = marker < 0 ? firstLine : firstLine.substring(0, marker);
        // Jackson quotes its own settings in backticks ("`DeserializationFeature...`"): leave such hints out.
        int hint = message.indexOf('`');
        if (hint >= 0) {
            message = message.substring(0, hint).replaceAll("[\\s:;,(]+$", "");
        }
        return message.isEmpty() ? "not valid JSON" : abbreviated(message);
    }

    private static String abbreviated(String message) {
        return message.length() > 160 ? message.substring(0, 157) + "..." : message;
    }
}
