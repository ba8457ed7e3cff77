package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code doctor} and {@code --device cuda} on a machine without an NVIDIA driver (the build machines and CI): one
 * line each, exit 1 for doctor and 2 for a command that asked for CUDA, and the same diagnosis in both.
 */
class DoctorCommandTest {
    private static final String PREFIX = "CUDA training cannot run here: ";

    @BeforeAll
    static void onlyWithoutADriver() {
        boolean driver = Files.exists(Path.of("/proc/driver/nvidia/version"))
                || Files.exists(Path.of("/dev/nvidiactl"));
        assumeTrue(!driver, "this machine has an NVIDIA driver; the GPU tests (tag gpu) cover doctor here");
    }

    @Test
    void doctorSaysInOneLineThatThereIsNoDriverAndExitsOne() {
        CliRun run = CliRun.of("doctor");
        assertEquals(1, run.status(), run.err());
        assertEquals(1, run.out().lines().count(), run.out());
        assertTrue(run.out().startsWith(PREFIX + "no NVIDIA driver: libcuda.so.1 was not found"), run.out());
        assertTrue(run.out().contains("install the NVIDIA driver"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void doctorJsonSaysTheSame() throws Exception {
        CliRun run = CliRun.of("doctor", "--json");
        assertEquals(1, run.status(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertFalse(json.get("usable").asBoolean());
        assertEquals(CliRun.of("doctor").out().strip(), PREFIX + json.get("problem").asText());
        assertEquals(0, json.get("driver").get("gpus").size());
        assertTrue(json.get("searched").isArray());
    }

    @Test
    void deviceCudaIsOneLineCarryingTheDiagnosisWithExitTwo() {
        String diagnosis = CliRun.of("doctor").out().strip().substring(PREFIX.length());
        CliRun run = CliRun.of("memcheck", "--device", "cuda", "--steps", "3");
        assertEquals(2, run.status(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertEquals("striate memcheck: --device cuda is not usable: " + diagnosis, run.err().strip());
    }

    @Test
    void deviceAutoFallsBackToTheCpuAndSaysWhy() {
        List<String> notices = new ArrayList<>();
        try (Backend backend = Backends.open("auto", BackendOptions.defaults(), notices::add)) {
            assertEquals("cpu", backend.name());
        }
        assertEquals(1, notices.size());
        assertTrue(notices.getFirst().startsWith("device auto: using cpu (cuda unavailable: no NVIDIA driver"),
                notices.getFirst());
    }
}
