package dev.striate.core.train;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Predicate;

/**
 * Replaces a directory so that a kill at any instant leaves one whole version of it. The new version is written into
 * {@code <name>.partial} beside the target (same file system, so renames are atomic), its files and the directory are
 * fsynced, then the old version is renamed to {@code <name>.old}, the new one renamed into place, and the old one
 * deleted. {@link #recover} turns whatever a crash left between those steps back into one whole directory; a write
 * that fails (disk full) removes its {@code .partial} directory and leaves the target as it was.
 */
public final class AtomicDirectory {
    static final String PARTIAL_SUFFIX = ".partial";
    static final String OLD_SUFFIX = ".old";

    /** Fills a fresh directory with a checkpoint's files. */
    @FunctionalInterface
    public interface Filler {
        void fill(Path directory) throws IOException;
    }

    private AtomicDirectory() {
    }

    /**
     * Writes {@code target} anew through {@code filler}. {@code complete} tells {@link #recover} whether a
     * {@code .partial} directory left by a crash was finished (a checkpoint's manifest verifies).
     */
    public static void replace(Path target, Filler filler, Predicate<Path> complete) throws IOException {
        recover(target, complete);
        Path partial = sibling(target, PARTIAL_SUFFIX);
        Path old = sibling(target, OLD_SUFFIX);
        try {
            Files.createDirectories(partial);
            filler.fill(partial);
            try (var files = Files.list(partial)) {
                for (Path file : files.toList()) {
                    fsync(file);
                }
            }
            fsync(partial);
        } catch (IOException | RuntimeException e) {
            // The disk filled up or the folder went away (the safetensors writer says so as a user error): the
            // target is untouched; leave no half-written copy.
            try {
                deleteTree(partial);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        boolean hadOld = Files.exists(target);
        if (hadOld) {
            move(target, old);
        }
        move(partial, target);
        fsync(target.getParent());
        if (hadOld) {
            deleteTree(old);
        }
    }

    /**
     * Puts a directory back into one whole state after a crash in {@link #replace}: a finished {@code .partial}
     * whose target is gone becomes the target; otherwise the {@code .old} copy does; leftovers are deleted.
     */
    public static void recover(Path target, Predicate<Path> complete) throws IOException {
        Path partial = sibling(target, PARTIAL_SUFFIX);
        Path old = sibling(target, OLD_SUFFIX);
        if (!Files.exists(target)) {
            if (Files.isDirectory(partial) && complete.test(partial)) {
                move(partial, target);
            } else if (Files.isDirectory(old)) {
                move(old, target);
            }
            if (Files.exists(target)) {
                fsync(target.getParent());
            }
        }
        deleteTree(partial);
        deleteTree(old);
    }

    static Path sibling(Path target, String suffix) {
        return target.resolveSibling(target.getFileName() + suffix);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically; the run folder must be on"
                    + " a local file system", e);
        }
    }

    /** Forces a file's or a directory's contents (for a directory: its entries) to the disk. */
    static void fsync(Path path) throws IOException {
        boolean directory = Files.isDirectory(path);
        try (FileChannel channel = FileChannel.open(path, directory ? StandardOpenOption.READ
                : StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

}
