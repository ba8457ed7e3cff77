package dev.striate.core.backend;

import dev.striate.core.UserException;

/** The asked-for device cannot be used here; the message says why and what to do. */
public final class BackendUnavailableException extends UserException {
    public BackendUnavailableException(String message) {
        super(message);
    }
}
