package dev.striate.core.data;

import dev.striate.core.UserException;

/** Data that cannot be used as given (missing or empty folder, empty class, bad IDX file): one line, path and fix. */
public final class DatasetException extends UserException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
