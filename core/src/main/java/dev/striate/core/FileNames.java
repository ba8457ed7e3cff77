package dev.striate.core;

import java.nio.file.Path;

/**
 * File names and messages as Striate prints them: on one line whatever they hold. A Linux file name may contain a
 * newline, a tab or other control characters (any byte but '/' and NUL), which would otherwise split an error over
 * two lines; they are printed as escapes ({@code \n}, {@code \t}, {@code \x1b}), everything else as it is.
 */
public final class FileNames {
    private FileNames() {
    }

    /** A path for a message: control characters and backslashes escaped, so that the text maps back to one name. */
    public static String quoted(Path path) {
        return quoted(path.toString());
    }

    public static String quoted(String name) {
        return name == null ? "" : escape(name, true);
    }

    /** A whole message on one line: its control characters escaped, backslashes left alone. */
    public static String oneLine(String message) {
        return message == null ? "" : escape(message, false);
    }

    private static String escape(String text, boolean backslashes) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append(backslashes ? "\\\\" : "\\");
                case '\u2028', '\u2029', '\u0085' -> out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
