package dev.striate.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.FileProblems;
import dev.striate.core.UserException;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.SafeTensors;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every write of a run folder that fails because the disk is full leaves the folder as it was, with no partial
 * file, and is reported as a full disk. Writes are sent to Linux's {@code /dev/full}, which fails every write with
 * ENOSPC ("No space left on device"), through a link where the write's file would be.
 */
class DiskFullTest {
    private static final Path FULL = Path.of("/dev/full");

    @TempDir
    Path folder;

    @BeforeEach
    void needsDevFull() {
        assumeTrue(Files.isWritable(FULL), "/dev/full (Linux) is needed to fill a disk on demand");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anAtomicFileWriteLeavesTheOldFileAndNoPartial() throws IOException {
        Path config = Files.writeString(folder.resolve("config.json"), "{\"old\": true}");
        Files.createSymbolicLink(folder.resolve("config.json.partial"), FULL);
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(config,
                "{\"new\": true}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(FileProblems.isDiskFull(e), e.toString());
        assertEquals(List.of("config.json"), names());
        assertEquals("{\"old\": true}", Files.readString(config));
        assertTrue(FileProblems.reason(e).startsWith("the disk is full"), FileProblems.reason(e));
    }

    @Test
    void aMetricsRowCutByAFullDiskIsCutOffAgain() throws IOException {
        MetricsLog log = new MetricsLog(folder);
        EpochMetrics first = new EpochMetrics(1, 0.5, 0.8, 0.6, 0.7, 0.9, 0.01, 100, 2.0, 0);
        log.append(first);
        byte[] jsonl = Files.readAllBytes(folder.resolve(MetricsLog.JSONL));
        Path csv = folder.resolve(MetricsLog.CSV);
        // The CSV row cannot be written: the JSON row written just before it must go again.
        Files.delete(csv);
        Files.createSymbolicLink(csv, FULL);
        IOException e = assertThrows(IOException.class, () -> log.append(
                new EpochMetrics(2, 0.4, 0.85, 0.5, 0.75, 0.95, 0.01, 100, 2.0, 0)));
        assertTrue(FileProblems.isDiskFull(e), e.toString());
        assertArrayEquals(jsonl, Files.readAllBytes(folder.resolve(MetricsLog.JSONL)));
        assertEquals(1, log.read().size());
    }

    @Test
    void aCheckpointThatCannotBeWrittenLeavesTheOldOneAndNoPartialDirectory() throws IOException {
        Path last = folder.resolve("last");
        AtomicDirectory.replace(last, dir -> Files.writeString(dir.resolve("weights"), "old"), dir -> true);
        IOException e = assertThrows(IOException.class, () -> AtomicDirectory.replace(last, dir -> {
            Files.writeString(dir.resolve("weights"), "half");
            throw new FileSystemException(dir.resolve("optimizer").toString(), null, "No space left on device");
        }, dir -> true));
        assertTrue(FileProblems.isDiskFull(e), e.toString());
        assertEquals(List.of("last"), names());
        assertEquals("old", Files.readString(last.resolve("weights")));
    }

    @Test
    void aWeightsFileThatCannotBeWrittenLeavesNoPartialCheckpoint() throws IOException {
        Path last = folder.resolve("last");
        AtomicDirectory.replace(last, dir -> Files.writeString(dir.resolve("weights"), "old"), dir -> true);
        Path weights = AtomicDirectory.sibling(last, AtomicDirectory.PARTIAL_SUFFIX).resolve("model.safetensors");
        UserException e = assertThrows(UserException.class, () -> AtomicDirectory.replace(last, dir -> {
            // The writer's temporary file, ".model.safetensors.<pid>.tmp", is where the disk fills up.
            Files.createSymbolicLink(dir.resolve(".model.safetensors." + ProcessHandle.current().pid() + ".tmp"),
                    FULL);
            SafeTensors.write(weights, Map.of("w", new HostTensor(DType.F32, Shape.of(1), new double[] {1})),
                    Map.of());
        }, dir -> true));
        assertTrue(e.getMessage().contains("model.safetensors: cannot be written: the disk is full"), e.getMessage());
        assertEquals(List.of("last"), names());
        assertEquals("old", Files.readString(last.resolve("weights")));
    }

    @Test
    void otherFailuresAreNotCalledAFullDisk() {
        assertFalse(FileProblems.isDiskFull(new FileSystemException("x", null, "Permission denied")));
    }
}
