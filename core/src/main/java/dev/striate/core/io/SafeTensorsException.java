package dev.striate.core.io;

import dev.striate.core.UserException;
import java.nio.file.Path;

/** A safetensors file that cannot be read or written; the one-line message names the file and the fault. */
public class SafeTensorsException extends UserException {
    private final transient Path file;

    public SafeTensorsException(Path file, String fault) {
        super(file + ": " + fault);
        this.file = file;
    }

    public SafeTensorsException(Path file, String fault, Throwable cause) {
        super(file + ": " + fault, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
