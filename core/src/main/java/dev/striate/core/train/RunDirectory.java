package dev.striate.core.train;

import dev.striate.core.FileNames;
import dev.striate.core.FileProblems;
import dev.striate.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A run's folder: {@code config.json}, {@code metrics.jsonl}, {@code metrics.csv}, {@code curves.png} and the
 * checkpoints {@code last/} and {@code best/}. A new run never writes into a folder that already holds files, and
 * a folder that cannot be written is found before any training. While open, the folder is locked against a second
 * training process ({@link RunLock}); closing releases it.
 */
public final class RunDirectory implements AutoCloseable {
    public static final String CONFIG = "config.json";
    public static final String CURVES = "curves.png";

    private final Path root;
    private final RunLock lock;

    private RunDirectory(Path root, RunLock lock) {
        this.root = root;
        this.lock = lock;
    }

    /**
     * A fresh run's folder: created if needed, locked, refused if it holds files (except a run stopped before its
     * first checkpoint, which had nothing to lose and is reused), probed for writing.
     */
    public static RunDirectory create(Path out) {
        String what = "--out " + FileNames.quoted(out);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserException(what + " is a file; give a folder for the run");
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UserException("cannot create " + what + ": " + FileProblems.reason(e));
        }
        RunDirectory run = new RunDirectory(out, RunLock.acquire(out, what));
        try {
            if (!isEmpty(out) && !run.isUnstarted()) {
                boolean training = Files.exists(out.resolve(CONFIG)) || Files.exists(out.resolve(Checkpoint.LAST));
                throw new UserException(what + (training ? " holds a training run" : " is not empty")
                        + "; refusing to overwrite it: choose a new folder" + (training ? ", or continue it with"
                        + " --resume " + FileNames.quoted(out) : ""));
            }
            run.probeWritable(what);
            return run;
        } catch (UserException e) {
            run.closeAfter(e);
            throw e;
        }
    }

    /**
     * An existing run's folder for {@code --resume}: locked, then a checkpoint interrupted while being written is
     * recovered, and the folder must then hold {@code config.json}, and {@code last/} unless the run was stopped
     * before its first checkpoint ({@link #hasCheckpoint()} false: the run starts over).
     */
    public static RunDirectory existing(Path dir) {
        String what = "--resume " + FileNames.quoted(dir);
        if (Files.isRegularFile(dir)) {
            throw new UserException(what + " is a file; give the run folder (striate train --out) to resume");
        }
        if (!Files.isDirectory(dir)) {
            throw new UserException(what + ": no such run folder");
        }
        RunDirectory run = new RunDirectory(dir, RunLock.acquire(dir, what));
        try {
            try {
                Checkpoint.recover(run.last());
                Checkpoint.recover(run.best());
            } catch (IOException e) {
                throw new UserException(what + ": cannot tidy an interrupted checkpoint: " + FileProblems.reason(e));
            }
            if (!Files.isRegularFile(run.config())) {
                throw new UserException(what + " is not a training run (no " + CONFIG + "); nothing to resume");
            }
            run.probeWritable(what);
            return run;
        } catch (UserException e) {
            run.closeAfter(e);
            throw e;
        }
    }

    /** A run folder that is only read (striate eval, predict): its best checkpoint, else its last. */
    public static Path checkpointOf(Path dir) {
        Path best = dir.resolve(Checkpoint.BEST);
        if (Files.isDirectory(best)) {
            return best;
        }
        Path last = dir.resolve(Checkpoint.LAST);
        if (Files.isDirectory(last)) {
            return last;
        }
        throw new UserException(FileNames.quoted(dir) + " holds no checkpoint (no " + Checkpoint.BEST + "/ or "
                + Checkpoint.LAST + "/): train first, or give a model and --weights");
    }

    /** True when the run has written {@code last/}, the checkpoint {@code --resume} continues from. */
    public boolean hasCheckpoint() {
        return Files.isDirectory(last());
    }

    /** A run folder with its settings recorded but no checkpoint yet: stopped before its first one. */
    private boolean isUnstarted() {
        return Files.isRegularFile(config()) && !hasCheckpoint() && !Files.exists(best());
    }

    public Path root() {
        return root;
    }

    public Path last() {
        return root.resolve(Checkpoint.LAST);
    }

    public Path best() {
        return root.resolve(Checkpoint.BEST);
    }

    public Path config() {
        return root.resolve(CONFIG);
    }

    public Path curves() {
        return root.resolve(CURVES);
    }

    public MetricsLog metrics() {
        return new MetricsLog(root);
    }

    /** Writes a file of the run whole or not at all (beside it, then renamed over it); see {@link AtomicFile}. */
    public void writeAtomically(Path file, byte[] contents) throws IOException {
        AtomicFile.write(file, contents);
    }

    /** Releases the folder's lock. */
    @Override
    public void close() throws IOException {
        lock.close();
    }

    private void closeAfter(UserException failure) {
        try {
            close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private void probeWritable(String what) {
        Path probe = root.resolve(".striate-write-test");
        try {
            Files.writeString(probe, "");
            Files.delete(probe);
        } catch (IOException e) {
            throw new UserException("cannot write to " + what + ": " + FileProblems.reason(e));
        }
    }

    /** Whether the folder holds nothing but this run's lock. */
    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.allMatch(entry -> entry.getFileName().toString().equals(RunLock.FILE));
        } catch (IOException e) {
            throw new UserException("cannot list --out " + FileNames.quoted(dir) + ": " + FileProblems.reason(e));
        }
    }
}
