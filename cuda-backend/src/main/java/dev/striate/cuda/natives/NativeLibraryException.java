package dev.striate.cuda.natives;

/** A CUDA library could not be loaded or lacks a function; the message names the file and the loader's reason. */
public final class NativeLibraryException extends RuntimeException {
    public NativeLibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}
