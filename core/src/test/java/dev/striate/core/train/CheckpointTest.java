package dev.striate.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.SafeTensors;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path run;

    /** A checkpoint whose weights and moments are told apart by {@code generation}. */
    static CheckpointContents contents(int generation) {
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        weights.put("fc.weight", new HostTensor(DType.F32, Shape.of(2, 2), new double[] {0.5, -1.25, 2, generation}));
        // 0.1 is not a float32: written as F64 so that a resumed run continues from the very same value.
        weights.put("fc.bias", new HostTensor(DType.F32, Shape.of(2), new double[] {0.1, generation / 3.0}));
        Map<String, double[]> optimizer = new LinkedHashMap<>();
        optimizer.put("fc.weight#0", new double[] {1e-9, 2, 3, generation});
        optimizer.put("fc.bias#0", new double[] {Math.PI, -generation});
        CheckpointState state = new CheckpointState(CheckpointState.FORMAT, "tiny", List.of("cat", "dog"),
                generation, 3, 100L + generation, 100L + generation, Map.of("kind", "constant"), 7, 7, 99,
                new EpochProgress(12.5, 30, 48, 1, 2.5), generation == 0 ? Double.NaN : 0.75, generation, 0);
        return new CheckpointContents(state, weights, optimizer, "{\"name\":\"tiny\"}", "{\"settings\":{}}");
    }

    @Test
    void roundTripKeepsEveryValueExactly() throws IOException {
        Path last = run.resolve(Checkpoint.LAST);
        CheckpointContents written = contents(1);
        Checkpoint.write(last, written);
        CheckpointContents read = Checkpoint.read(last);
        assertEquals(written.state(), read.state());
        assertEquals(written.weights().get("fc.weight"), read.weights().get("fc.weight"));
        assertEquals(DType.F64, read.weights().get("fc.bias").dtype());
        assertArrayEquals(written.weights().get("fc.bias").values(), read.weights().get("fc.bias").values(), 0);
        assertEquals(written.optimizerState().keySet(), read.optimizerState().keySet());
        written.optimizerState().forEach((name, values) ->
                assertArrayEquals(values, read.optimizerState().get(name), 0));
        assertEquals(written.specJson(), read.specJson());
        assertEquals(written.configJson(), read.configJson());
        Map<String, String> metadata = SafeTensors.readMetadata(last.resolve(Checkpoint.WEIGHTS));
        assertEquals("tiny", metadata.get("model"));
        assertEquals(List.of("cat", "dog"), Checkpoint.classesOf(metadata));
    }

    @Test
    void notYetValidatedBestSurvivesAsNaN() throws IOException {
        Checkpoint.write(run.resolve(Checkpoint.LAST), contents(0));
        assertTrue(Double.isNaN(Checkpoint.read(run.resolve(Checkpoint.LAST)).state().bestTop1()));
    }

    @Test
    void replacingLeavesNoTemporaryFolders() throws IOException {
        Path last = run.resolve(Checkpoint.LAST);
        Checkpoint.write(last, contents(1));
        Checkpoint.write(last, contents(2));
        assertEquals(2, Checkpoint.read(last).state().epoch());
        try (var entries = Files.list(run)) {
            assertEquals(List.of(last), entries.toList());
        }
    }

    @Test
    void crashWhileFillingKeepsThePreviousCheckpoint() throws IOException {
        Path last = run.resolve(Checkpoint.LAST);
        Checkpoint.write(last, contents(1));
        IOException crash = assertThrows(IOException.class, () -> AtomicDirectory.replace(last, directory -> {
            Files.writeString(directory.resolve(Checkpoint.WEIGHTS), "half a file");
            throw new IOException("disk full");
        }, Checkpoint::isComplete));
        assertEquals("disk full", crash.getMessage());
        assertEquals(1, Checkpoint.read(last).state().epoch());
        Checkpoint.recover(last);
        assertFalse(Files.exists(AtomicDirectory.sibling(last, AtomicDirectory.PARTIAL_SUFFIX)));
        Checkpoint.write(last, contents(2));
        assertEquals(2, Checkpoint.read(last).state().epoch());
    }

    @Test
    void recoveryAfterKillBeforeTheOldOneWasMovedKeepsTheOldOne() throws IOException {
        Path last = run.resolve(Checkpoint.LAST);
        Checkpoint.write(last, contents(1));
        Checkpoint.write(AtomicDirectory.sibling(last, AtomicDirectory.PARTIAL_SUFFIX), contents(2));
        Checkpoint.recover(last);
        assertEquals(1, Checkpoint.read(last).state().epoch());
        assertOnly(last);
    }

    @Test
    void recoveryBetweenTheTwoRenamesPromotesTheFinishedNewOne() throws IOException {
        Path last = run.resolve(Checkpoint.LAST);
        Checkpoint.write(AtomicDirectory.sibling(last, AtomicDirectory.OLD_SUFFIX), contents(1));
        Checkpoint.write(AtomicDirectory.sibling(last, AtomicDirectory.PARTIAL_SUFFIX), contents(2));
        Checkpoint.recover(last);
        assertEquals(2, Checkpoint.read(last).state().epoch());
        assertOnly(last);
    }

    @Test
    void recoveryBetweenTheTwoRenamesWithAnUnfinishedNewOneRestoresTheOldOne() throws IOException {
        Path last = run.resolve(Checkpoint.LAST);
        Checkpoint.write(AtomicDirectory.sibling(last, AtomicDirectory.OLD_SUFFIX), contents(1));
        Path partial = AtomicDirectory.sibling(last, AtomicDirectory.PARTIAL_SUFFIX);
        Files.createDirectories(partial);
        Files.writeString(partial.resolve(Checkpoint.WEIGHTS), "cut short");
        Checkpoint.recover(last);
        assertEquals(1, Checkpoint.read(last).state().epoch());
        assertOnly(last);
    }

    @Test
    void recoveryAfterTheNewOneIsInPlaceDeletesTheOldOne() throws IOException {
        Path last = run.resolve(Checkpoint.LAST);
        Checkpoint.write(last, contents(2));
        Checkpoint.write(AtomicDirectory.sibling(last, AtomicDirectory.OLD_SUFFIX), contents(1));
        Checkpoint.recover(last);
        assertEquals(2, Checkpoint.read(last).state().epoch());
        assertOnly(last);
    }

    @Test
    void firstWriteCutShortLeavesNoCheckpoint() throws IOException {
        Path last = run.resolve(Checkpoint.LAST);
        Path partial = AtomicDirectory.sibling(last, AtomicDirectory.PARTIAL_SUFFIX);
        Files.createDirectories(partial);
        Checkpoint.recover(last);
        assertFalse(Files.exists(last));
        assertFalse(Files.exists(partial));
    }

    @Test
    void changedFileIsFoundAndNamed() throws IOException {
        Path last = run.resolve(Checkpoint.LAST);
        Checkpoint.write(last, contents(1));
        Files.writeString(last.resolve(Checkpoint.STATE), "{}");
        UserException e = assertThrows(UserException.class, () -> Checkpoint.read(last));
        assertTrue(e.getMessage().contains(Checkpoint.STATE) && e.getMessage().contains("does not match"),
                e.getMessage());
        assertFalse(Checkpoint.isComplete(last));
    }

    @Test
    void folderWithoutManifestIsNotACheckpoint() throws IOException {
        Path folder = Files.createDirectories(run.resolve("other"));
        UserException e = assertThrows(UserException.class, () -> Checkpoint.read(folder));
        assertTrue(e.getMessage().contains(Checkpoint.MANIFEST), e.getMessage());
    }

    private void assertOnly(Path checkpoint) throws IOException {
        try (var entries = Files.list(run)) {
            assertEquals(List.of(checkpoint), entries.toList());
        }
    }
}
