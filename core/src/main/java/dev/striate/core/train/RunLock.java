package dev.striate.core.train;

import dev.striate.core.FileNames;
import dev.striate.core.FileProblems;
import dev.striate.core.UserException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One writer per run folder: {@code RUN_DIR/.lock}, locked by the operating system for as long as the training
 * process lives and holding its pid for the message another process prints. The lock dies with its process, so a
 * lock file left by a killed run is stale and is simply taken over; the file is removed when the run closes.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = ".lock";
    /**
     * The keys of the lock files this JVM holds. A second lock of one of them in this JVM is refused before the file
     * is opened, since opening and closing it again would drop the lock already held.
     */
    private static final Set<Object> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Object fileKey;

    private RunLock(Path file, FileChannel channel, FileLock lock, Object fileKey) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.fileKey = fileKey;
    }

    /** Takes the folder's lock or refuses, naming the process that holds it; {@code what} is "--out DIR" or so. */
    static RunLock acquire(Path folder, String what) {
        Path file = folder.resolve(FILE);
        if (heldHere(file)) {
            throw inUse(what, Long.toString(ProcessHandle.current().pid()));
        }
        // The holder may remove the file between our open and our lock; then the lock is on a file nobody sees.
        for (int attempt = 0; attempt < 3; attempt++) {
            RunLock taken = tryAcquire(file, what);
            if (taken != null) {
                return taken;
            }
        }
        throw inUse(file, what);
    }

    /**
     * The lock, or null when the file was replaced while we locked it. The file is never opened a second time while
     * locked: POSIX drops a process's lock when any of its descriptors of the file closes. It is compared by its
     * key (device and inode), which {@code stat} gives without opening it.
     */
    private static RunLock tryAcquire(Path file, String what) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            Object opened = keyOrNull(file);
            FileLock lock = lockOrNull(channel);
            if (lock == null) {
                channel.close();
                throw inUse(file, what);
            }
            if (opened == null || !opened.equals(keyOrNull(file))) {
                channel.close();
                return null;
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
            HELD_HERE.add(opened);
            return new RunLock(file, channel, lock, opened);
        } catch (IOException e) {
            closeAfterFailure(channel, e);
            throw new UserException("cannot lock " + what + " for this run: " + FileProblems.reason(e), e);
        }
    }

    private static FileLock lockOrNull(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldByThisProcess) {
            return null;
        }
    }

    private static boolean heldHere(Path file) {
        try {
            Object key = keyOrNull(file);
            return key != null && HELD_HERE.contains(key);
        } catch (IOException e) {
            throw new UserException("cannot read " + FileNames.quoted(file) + ": " + FileProblems.reason(e), e);
        }
    }

    /** The file's key (device and inode), or null when it is gone. */
    private static Object keyOrNull(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException removed) {
            return null;
        }
    }

    /** The refusal, with the holder's pid when its file says it ("pid 1234"). */
    private static UserException inUse(Path file, String what) {
        String[] words;
        try {
            words = Files.readString(file, StandardCharsets.UTF_8).strip().split(" ");
        } catch (IOException unreadable) {
            // The refusal stands without the pid; the holder may be writing the file this very moment.
            words = new String[0];
        }
        return inUse(what, words.length == 2 && words[0].equals("pid") ? words[1] : null);
    }

    private static UserException inUse(String what, String pid) {
        return new UserException(what + " is in use by another striate process" + (pid == null ? ""
                : " (pid " + pid + ")") + "; wait for it to finish, or give another folder");
    }

    private static void closeAfterFailure(FileChannel channel, IOException failure) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException closing) {
                failure.addSuppressed(closing);
            }
        }
    }

    /** Releases the lock and removes its file; a second call does nothing. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        // Removed while still locked, so that no other process can lock the old file and think it holds the folder.
        if (fileKey.equals(keyOrNull(file))) {
            Files.delete(file);
        }
        lock.release();
        channel.close();
        HELD_HERE.remove(fileKey);
    }

    @Override
    public String toString() {
        return "the lock of " + FileNames.quoted(file.getParent());
    }
}
