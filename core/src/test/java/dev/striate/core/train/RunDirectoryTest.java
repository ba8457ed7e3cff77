package dev.striate.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    @TempDir
    Path folder;

    @Test
    void newRunFolderIsCreated() {
        Path out = folder.resolve("runs").resolve("first");
        assertEquals(out, RunDirectory.create(out).root());
        assertTrue(Files.isDirectory(out));
    }

    @Test
    void existingRunIsNeverOverwritten() throws IOException {
        Path out = folder.resolve("run");
        Files.createDirectories(out.resolve(Checkpoint.LAST));
        Files.writeString(out.resolve(RunDirectory.CONFIG), "{}");
        UserException e = assertThrows(UserException.class, () -> RunDirectory.create(out));
        assertTrue(e.getMessage().contains("refusing to overwrite") && e.getMessage().contains("--resume"),
                e.getMessage());
    }

    @Test
    void aRunStoppedBeforeItsFirstCheckpointIsReusedByOutAndStartsOverWithResume() throws IOException {
        Path out = Files.createDirectories(folder.resolve("stopped-early"));
        Files.writeString(out.resolve(RunDirectory.CONFIG), "{}");
        try (RunDirectory created = RunDirectory.create(out)) {
            assertEquals(out, created.root());
        }
        try (RunDirectory resumed = RunDirectory.existing(out)) {
            assertFalse(resumed.hasCheckpoint());
        }
    }

    @Test
    void folderHoldingOtherFilesIsRefused() throws IOException {
        Path out = Files.createDirectories(folder.resolve("photos"));
        Files.writeString(out.resolve("cat.jpg"), "");
        UserException e = assertThrows(UserException.class, () -> RunDirectory.create(out));
        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
    }

    @Test
    void folderThatCannotBeCreatedIsAUserError() throws IOException {
        Path file = Files.writeString(folder.resolve("a-file"), "");
        UserException e = assertThrows(UserException.class, () -> RunDirectory.create(file.resolve("run")));
        assertTrue(e.getMessage().startsWith("cannot create --out"), e.getMessage());
    }

    @Test
    void resumingNeedsACheckpoint() throws IOException {
        Path out = Files.createDirectories(folder.resolve("empty-run"));
        UserException e = assertThrows(UserException.class, () -> RunDirectory.existing(out));
        assertTrue(e.getMessage().contains("nothing to resume"), e.getMessage());
    }

    @Test
    void resumingRecoversACheckpointInterruptedBetweenItsRenames() throws IOException {
        Path out = Files.createDirectories(folder.resolve("run"));
        Files.writeString(out.resolve(RunDirectory.CONFIG), "{}");
        Path last = out.resolve(Checkpoint.LAST);
        Checkpoint.write(AtomicDirectory.sibling(last, AtomicDirectory.OLD_SUFFIX), CheckpointTest.contents(4));
        RunDirectory run = RunDirectory.existing(out);
        assertEquals(4, Checkpoint.read(run.last()).state().epoch());
    }

    @Test
    void aSecondWriterOfTheSameFolderIsRefusedUntilTheFirstCloses() throws IOException {
        Path out = folder.resolve("shared");
        try (RunDirectory first = RunDirectory.create(out)) {
            UserException e = assertThrows(UserException.class, () -> RunDirectory.create(out));
            assertEquals("--out " + out + " is in use by another striate process (pid " + ProcessHandle.current().pid()
                    + "); wait for it to finish, or give another folder", e.getMessage());
            assertTrue(Files.isRegularFile(out.resolve(RunLock.FILE)));
        }
        assertFalse(Files.exists(out.resolve(RunLock.FILE)), "the lock goes with its run");
        RunDirectory.create(out).close();
    }

    @Test
    void resumingARunInUseNeitherRecoversNorTouchesItsCheckpoints() throws IOException {
        Path out = Files.createDirectories(folder.resolve("busy"));
        Files.writeString(out.resolve(RunDirectory.CONFIG), "{}");
        Checkpoint.write(out.resolve(Checkpoint.LAST), CheckpointTest.contents(2));
        Path beingWritten = AtomicDirectory.sibling(out.resolve(Checkpoint.LAST), AtomicDirectory.PARTIAL_SUFFIX);
        try (RunDirectory running = RunDirectory.existing(out)) {
            Files.createDirectories(beingWritten);
            UserException e = assertThrows(UserException.class, () -> RunDirectory.existing(out));
            assertTrue(e.getMessage().contains("is in use by another striate process"), e.getMessage());
            assertTrue(Files.isDirectory(beingWritten), "the running process's checkpoint in progress is left alone");
        }
    }

    @Test
    void aLockLeftByAKilledProcessIsStaleAndTakenOver() throws IOException {
        Path out = Files.createDirectories(folder.resolve("killed"));
        Files.writeString(out.resolve(RunLock.FILE), "pid 999999999 left-by-a-killed-run");
        try (RunDirectory run = RunDirectory.create(out)) {
            assertTrue(Files.readString(out.resolve(RunLock.FILE)).startsWith("pid " + ProcessHandle.current().pid()));
        }
    }

    @Test
    void resumingAFileSaysItIsAFile() throws IOException {
        Path file = Files.writeString(folder.resolve("run.txt"), "");
        UserException e = assertThrows(UserException.class, () -> RunDirectory.existing(file));
        assertTrue(e.getMessage().contains("run.txt is a file; give the run folder"), e.getMessage());
    }
}
