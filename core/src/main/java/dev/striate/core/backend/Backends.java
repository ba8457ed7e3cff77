package dev.striate.core.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** Finds backends on the class path; {@code core} never names one. */
public final class Backends {
    private Backends() {
    }

    public static List<BackendProvider> providers() {
        List<BackendProvider> all = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(all::add);
        all.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return all;
    }

    /**
     * Opens the named device, or with {@code auto} the most preferred usable one, telling {@code notice} which it
     * chose and why. A named device that is unusable is an error carrying its diagnosis, never a silent fallback.
     * {@code NAME:N} ({@code cuda:1}) opens device N of that kind; the index replaces the one in {@code options}.
     */
    public static Backend open(String device, BackendOptions options, Consumer<String> notice) {
        if (device.indexOf(':') >= 0) {
            DeviceSelection indexed = DeviceSelection.parse(device);
            return open(indexed.backend(), new BackendOptions(options.precision(), indexed.index()), notice);
        }
        List<BackendProvider> providers = providers();
        if (device.equals("auto")) {
            List<String> skipped = new ArrayList<>();
            for (BackendProvider provider : providers) {
                String reason = provider.unavailableReason();
                if (reason == null) {
                    notice.accept("device auto: using " + provider.name()
                            + (skipped.isEmpty() ? "" : " (" + String.join("; ", skipped) + ")"));
                    return provider.open(options);
                }
                skipped.add(provider.name() + " unavailable: " + reason);
            }
            throw new BackendUnavailableException("no usable device: " + String.join("; ", skipped));
        }
        for (BackendProvider provider : providers) {
            if (provider.name().equals(device)) {
                String reason = provider.unavailableReason();
                if (reason != null) {
                    throw new BackendUnavailableException("--device " + device + " is not usable: " + reason);
                }
                return provider.open(options);
            }
        }
        String installed = providers.stream().map(BackendProvider::name).collect(Collectors.joining(", "));
        throw new BackendUnavailableException("unknown device '" + device + "'; available: auto, " + installed);
    }
}
