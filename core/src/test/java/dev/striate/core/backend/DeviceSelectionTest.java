package dev.striate.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {
    @Test
    void aNameAloneIsIndexZeroAndAnIndexFollowsAColon() {
        assertEquals(new DeviceSelection("auto", 0), DeviceSelection.parse("auto"));
        assertEquals(new DeviceSelection("cpu", 0), DeviceSelection.parse(" CPU "));
        assertEquals(new DeviceSelection("cuda", 1), DeviceSelection.parse("cuda:1"));
        assertEquals("cuda:1", DeviceSelection.parse("cuda:1").toString());
        assertEquals("cuda", DeviceSelection.parse("cuda:0").toString());
    }

    @Test
    void malformedValuesAreOneLineUserErrors() {
        for (String bad : List.of("", "cuda:", "cuda:x", "cuda:-1", ":1", "auto:1")) {
            UserException e = assertThrows(UserException.class, () -> DeviceSelection.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--device must be auto, cpu, cuda or cuda:N"), e.getMessage());
        }
    }
}
