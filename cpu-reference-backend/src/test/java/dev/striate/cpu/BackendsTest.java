package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void cudaWithoutACudaBackendIsAnErrorNotAFallback() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.open("cuda", BackendOptions.defaults(), notice -> { }));
        assertTrue(e.getMessage().startsWith("--device cuda: this build has no CUDA backend"), e.getMessage());
    }

    @Test
    void unknownDeviceListsTheChoices() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.open("tpu", BackendOptions.defaults(), notice -> { }));
        assertEquals("unknown device 'tpu'; available: auto, cpu", e.getMessage());
    }
}
