package dev.striate.cuda.memory;

import dev.striate.core.UserException;
import java.util.Locale;

/** The GPU has no room for a tensor: one line with what was asked, what is in use and free, and what to change. */
public final class DeviceOutOfMemoryException extends UserException {
    public DeviceOutOfMemoryException(long requested, long inUse, long free) {
        super(String.format(Locale.ROOT, "CUDA out of memory: %s requested, %s in use by Striate, %s free on the GPU;"
                + " use a smaller --batch (or a smaller model or input size)", size(requested), size(inUse),
                size(free)));
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return bytes + " bytes";
    }
}
