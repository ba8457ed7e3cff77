package dev.striate.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** The cause of a failed file operation in words a user reads: the JDK's exceptions carry little more than a path. */
public final class FileProblems {
    private FileProblems() {
    }

    /** Whether the operation failed because the disk (or the user's quota) is full. */
    public static boolean isDiskFull(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = t instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                    : t.getMessage();
            if (text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** A short reason, such as "permission denied on /x" or "the disk is full". */
    public static String reason(IOException e) {
        if (isDiskFull(e)) {
            return "the disk is full (no space left on the device); free some space and run again";
        }
        return switch (e) {
            case NoSuchFileException missing -> "no such file or folder " + FileNames.quoted(missing.getFile())
                    + " (a parent folder is missing or cannot be created)";
            case AccessDeniedException denied -> "permission denied on " + FileNames.quoted(denied.getFile());
            case FileAlreadyExistsException exists -> "a file is in the way at " + FileNames.quoted(exists.getFile());
            case NotDirectoryException notFolder -> FileNames.quoted(notFolder.getFile()) + " is a file, not a folder";
            case FileSystemException fs when fs.getReason() != null ->
                    fs.getReason() + (fs.getFile() != null ? " (" + FileNames.quoted(fs.getFile()) + ")" : "");
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : FileNames.quoted(e.getMessage());
        };
    }
}
