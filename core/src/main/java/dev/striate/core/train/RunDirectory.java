package dev.striate.core.train;

import dev.striate.core.UserException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A run's folder: {@code config.json}, {@code metrics.jsonl}, {@code metrics.csv}, {@code curves.png} and the
 * checkpoints {@code last/} and {@code best/}. A new run never writes into a folder that already holds files, and
 * a folder that cannot be written is found before any training.
 */
public final class RunDirectory {
    public static final String CONFIG = "config.json";
    public static final String CURVES = "curves.png";

    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /**
     * A fresh run's folder: created if needed, probed for writing, and refused if it holds files, except a run stopped
     * before its first checkpoint, which had nothing to lose and is reused.
     */
    public static RunDirectory create(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserException("--out " + out + " is a file; give a folder for the run");
        }
        if (Files.isDirectory(out) && !isEmpty(out) && !new RunDirectory(out).isUnstarted()) {
            boolean run = Files.exists(out.resolve(CONFIG)) || Files.exists(out.resolve(Checkpoint.LAST));
            throw new UserException("--out " + out + (run ? " holds a training run" : " is not empty")
                    + "; refusing to overwrite it: choose a new folder" + (run ? ", or continue it with --resume "
                    + out : ""));
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UserException("cannot create --out " + out + ": " + reason(e));
        }
        RunDirectory run = new RunDirectory(out);
        run.probeWritable("--out " + out);
        return run;
    }

    /**
     * An existing run's folder for {@code --resume}: a checkpoint interrupted while being written is recovered
     * first, and the folder must then hold {@code config.json}, and {@code last/} unless the run was stopped before
     * its first checkpoint ({@link #hasCheckpoint()} false: the run starts over).
     */
    public static RunDirectory existing(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserException("--resume " + dir + ": no such run folder");
        }
        RunDirectory run = new RunDirectory(dir);
        try {
            Checkpoint.recover(run.last());
            Checkpoint.recover(run.best());
        } catch (IOException e) {
            throw new UserException("--resume " + dir + ": cannot tidy an interrupted checkpoint: " + reason(e));
        }
        if (!Files.isRegularFile(run.config())) {
            throw new UserException("--resume " + dir + " is not a training run (no " + CONFIG + "); nothing to"
                    + " resume");
        }
        run.probeWritable("--resume " + dir);
        return run;
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
        throw new UserException(dir + " holds no checkpoint (no " + Checkpoint.BEST + "/ or " + Checkpoint.LAST
                + "/): train first, or give a model and --weights");
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

    /** Writes a file of the run whole or not at all (beside it, then renamed over it). */
    public void writeAtomically(Path file, byte[] contents) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".partial");
        Files.write(temporary, contents);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void probeWritable(String what) {
        Path probe = root.resolve(".striate-write-test");
        try {
            Files.writeString(probe, "");
            Files.delete(probe);
        } catch (IOException e) {
            throw new UserException("cannot write to " + what + ": " + reason(e));
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UserException("cannot list --out " + dir + ": " + reason(e));
        }
    }

    /** The cause in words a user reads, since the JDK's file exceptions carry little more than a path. */
    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> "no such file or folder " + missing.getFile()
                    + " (a parent folder is missing or cannot be created)";
            case AccessDeniedException denied -> "permission denied on " + denied.getFile();
            case FileAlreadyExistsException exists -> "a file is in the way at " + exists.getFile();
            case NotDirectoryException notFolder -> notFolder.getFile() + " is a file, not a folder";
            case FileSystemException fs when fs.getReason() != null ->
                    fs.getReason() + (fs.getFile() != null ? " (" + fs.getFile() + ")" : "");
            default -> e.getClass().getSimpleName().replace("Exception", "") + " " + e.getMessage();
        };
    }
}
