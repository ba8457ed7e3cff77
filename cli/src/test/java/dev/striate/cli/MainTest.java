package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void abbreviatedFlagIsAUserErrorNotAGuess() {
        CliRun result = CliRun.of("gradcheck", "--js");
        assertEquals(2, result.status(), result.err());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().contains("Unrecognized option: --js"), result.err());
    }

    @Test
    void aMistypedFlagGetsADidYouMean() {
        CliRun result = CliRun.of("train", "lenet5", "--epoch", "3");
        assertEquals(2, result.status(), result.err());
        assertEquals("striate train: Unrecognized option: --epoch (did you mean '--epochs'?) (striate train --help)",
                result.err().strip());
        CliRun far = CliRun.of("train", "lenet5", "--colour");
        assertTrue(!far.err().contains("did you mean"), "no guess when nothing is close: " + far.err());
    }

    @Test
    void unknownCommandNamesTheCommandsThatExist() {
        CliRun result = CliRun.of("trian");
        assertEquals(2, result.status());
        assertTrue(result.err().contains("unknown command 'trian'") && result.err().contains("train"), result.err());
    }

    @Test
    void helpListsEveryCommand() {
        CliRun result = CliRun.of("--help");
        assertEquals(0, result.status());
        for (Command command : Main.commands()) {
            assertTrue(result.out().contains(command.name()), command.name());
        }
    }
}
