package dev.striate.core.backend;

import dev.striate.core.UserException;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A {@code --device} value: {@code auto}, a backend's name ({@code cpu}, {@code cuda}), or a backend's name with a
 * device index ({@code cuda:1}, the second GPU), which the backend gets as {@link BackendOptions#deviceIndex()}.
 */
public record DeviceSelection(String backend, int index) {
    public static DeviceSelection parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        int colon = value.indexOf(':');
        if (colon < 0) {
            if (value.isEmpty()) {
                throw invalid(text);
            }
            return new DeviceSelection(value, 0);
        }
        String name = value.substring(0, colon);
        int index;
        try {
            index = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
        if (name.isEmpty() || name.equals("auto") || index < 0) {
            throw invalid(text);
        }
        return new DeviceSelection(name, index);
    }

    private static UserException invalid(String text) {
        return new UserException("--device must be auto, cpu, cuda or cuda:N (N the GPU's index, from 0), got '"
                + text + "'");
    }

    /** Opens the backend with the given precision, telling {@code notice} what {@code auto} chose. */
    public Backend open(Precision precision, Consumer<String> notice) {
        return Backends.open(backend, new BackendOptions(precision, index), notice);
    }

    /** As written on the command line: {@code cuda:1}, or the name alone for index 0. */
    @Override
    public String toString() {
        return index == 0 ? backend : backend + ":" + index;
    }
}
