package dev.striate.core;

import java.nio.file.Path;

/**
 * File names as messages print them: on one line whatever they hold. A name may contain a newline, a tab or other
 * control characters (any byte but '/' and NUL is allowed on Linux), which would otherwise split an error over two
 * lines; they are written as escapes (\n, \t, \x1b), everything else as it is.
 */
public final class FileNames {
    private FileNames() {
    }

    public static String quoted(Path path) {
        return quoted(path.toString());
    }

    public static String quoted(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
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
