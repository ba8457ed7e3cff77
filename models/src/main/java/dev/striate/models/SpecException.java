package dev.striate.models;

import dev.striate.core.FileNames;
import dev.striate.core.UserException;

/**
 * A model spec that cannot be used: malformed JSON, an unknown layer or attribute, a wrong value, a shape that
 * does not fit, an undefined or recursive block. The message is one line that starts with the spec's source and
 * names the place at fault: {@code file:line:column} for JSON syntax, the JSON path ({@code body[4].stride}) otherwise.
 */
public final class SpecException extends UserException {
    /** Quoted spec text may hold control characters (a name with a newline): they are escaped here, once for all. */
    public SpecException(String message) {
        super(FileNames.oneLine(message));
    }

    public SpecException(String message, Throwable cause) {
        super(FileNames.oneLine(message), cause);
    }

    /** {@code source: path: message}, or {@code source: message} when the fault has no path. */
    static SpecException at(String source, String path, String message) {
        return new SpecException(source + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }
}
