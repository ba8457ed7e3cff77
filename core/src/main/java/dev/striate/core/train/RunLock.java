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
import java.util.UUID;

/**
 * One writer per run folder: {@code RUN_DIR/.lock}, locked by the operating system for as long as the training
 * process lives and holding its pid for the message another process prints. The lock dies with its process, so a
 * lock file left by a killed run is stale and is simply taken over; the file is removed when the run closes.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = ".lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final String holder;

    private RunLock(Path file, FileChannel channel, FileLock lock, String holder) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    /** Takes the folder's lock or refuses, naming the process that holds it; {@code what} is "--out DIR" or so. */
    static RunLock acquire(Path folder, String what) {
        Path file = folder.resolve(FILE);
        String holder = "pid " + ProcessHandle.current().pid() + " " + UUID.randomUUID();
        // The holder may remove the file between our open and our lock; then the lock is on a file nobody sees.
        for (int attempt = 0; attempt < 3; attempt++) {
            RunLock taken = tryAcquire(file, holder, what);
            if (taken != null) {
                return taken;
            }
        }
        throw inUse(file, what);
    }

    private static RunLock tryAcquire(Path file, String holder, String what) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = lockOrNull(channel);
            if (lock == null) {
                channel.close();
                throw inUse(file, what);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
            if (!holder.equals(readOrEmpty(file))) {
                channel.close();
                return null;
            }
            return new RunLock(file, channel, lock, holder);
        } catch (IOException e) {
            closeQuietlyAfterFailure(channel, e);
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

    private static String readOrEmpty(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException removed) {
            return "";
        }
    }

    /** The refusal, with the holder's pid when its file says it ("pid 1234 <nonce>"). */
    private static UserException inUse(Path file, String what) {
        String[] words;
        try {
            words = readOrEmpty(file).split(" ");
        } catch (IOException unreadable) {
            // The refusal stands without the pid; the holder may be writing the file this very moment.
            words = new String[0];
        }
        String pid = words.length >= 2 && words[0].equals("pid") ? " (pid " + words[1] + ")" : "";
        return new UserException(what + " is in use by another striate process" + pid
                + "; wait for it to finish, or give another folder");
    }

    private static void closeQuietlyAfterFailure(FileChannel channel, IOException failure) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException closing) {
                failure.addSuppressed(closing);
            }
        }
    }

    /** Releases the lock; a second call does nothing. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        // Removed while still locked, so that no other process can lock the old file and think it holds the folder.
        if (holder.equals(readOrEmpty(file))) {
            Files.delete(file);
        }
        lock.release();
        channel.close();
    }

    @Override
    public String toString() {
        return "the lock of " + FileNames.quoted(file.getParent());
    }
}
