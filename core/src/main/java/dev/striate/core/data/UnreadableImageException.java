package dev.striate.core.data;

/**
 * One item that cannot be decoded (corrupt, truncated, empty or not an image). Checked on purpose: the loader
 * skips the item and names it, so a caller must decide what a bad file means rather than let it end a run.
 */
public final class UnreadableImageException extends Exception {
    public UnreadableImageException(String reason) {
        super(reason);
    }

    public UnreadableImageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
