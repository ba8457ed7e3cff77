package dev.striate.core;

/**
 * A mistake the user can fix (bad spec, bad flag, missing data, unusable device). The command line prints the
 * message as one line and exits with status 2; the message names the thing at fault and how to fix it.
 */
public class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
