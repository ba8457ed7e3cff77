package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.BackendUnavailableException;
import dev.striate.core.backend.Backends;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Device selection through ServiceLoader, with only the reference backend on the class path. */
class BackendsTest {
    @Test
    void autoChoosesTheReferenceBackendAndSaysSo() {
        List<String> notices = new ArrayList<>();
        try (Backend backend = Backends.open("auto", BackendOptions.defaults(), notices::add)) {
            assertEquals("cpu", backend.name());
        }
        assertEquals(List.of("device auto: using cpu"), notices);
    }

    @Test
    void cudaWithoutTheCudaBackendOnTheClassPathIsAnErrorNotAFallback() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.open("cuda", BackendOptions.defaults(), notice -> { }));
        assertEquals("unknown device 'cuda'; available: auto, cpu", e.getMessage());
    }

    @Test
    void anIndexNamesTheDeviceOfThatKind() {
        List<String> notices = new ArrayList<>();
        try (Backend backend = Backends.open("cpu:2", BackendOptions.defaults(), notices::add)) {
            assertEquals("cpu", backend.name());
        }
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.open("tpu:1", BackendOptions.defaults(), notice -> { }));
        assertEquals("unknown device 'tpu'; available: auto, cpu", e.getMessage());
    }

    @Test
    void unknownDeviceListsTheChoices() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.open("tpu", BackendOptions.defaults(), notice -> { }));
        assertEquals("unknown device 'tpu'; available: auto, cpu", e.getMessage());
    }
}
