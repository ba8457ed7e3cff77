package dev.striate.cli.inspect;

import dev.striate.core.UserException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The {@code --out} folder of an inspection (or of {@code lr-find}'s chart). Every file a view writes is claimed first (before the work, where its
 * name is known in advance), so that a name already taken stops the command and nothing the user had is
 * overwritten; files are written beside their place and renamed, so a picture is whole or absent.
 */
public final class OutputFolder {
    private final Path root;
    private final List<Path> written = new ArrayList<>();

    private OutputFolder(Path root) {
        this.root = root;
    }

    public static OutputFolder create(String folder) {
        Path root = Path.of(folder);
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new UserException("--out " + root + " is a file; give a folder for the pictures");
        }
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UserException("cannot create --out " + root + ": " + (e instanceof FileSystemException failure
                    && failure.getReason() != null ? failure.getReason() : e.getClass().getSimpleName()
                    .replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT))
                    + " (" + root.toAbsolutePath() + ")");
        }
        return new OutputFolder(root);
    }

    /** The path of a new file, refused when something of that name is already there. */
    public Path claim(String fileName) {
        Path file = root.resolve(fileName);
        if (Files.exists(file)) {
            throw new UserException(file + " exists; refusing to overwrite it: remove it or give another --out");
        }
        return file;
    }

    /** A file name part made from a node name: letters, digits, '.', '-' and '_' kept, anything else '_'. */
    static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    void writePng(Path file, BufferedImage image) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".partial");
        if (!ImageIO.write(image, "png", temporary.toFile())) {
            throw new IllegalStateException("the JDK has no PNG writer");
        }
        move(temporary, file);
    }

    public void writeBytes(Path file, byte[] bytes) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".partial");
        Files.write(temporary, bytes);
        move(temporary, file);
    }

    private void move(Path temporary, Path file) throws IOException {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        written.add(file);
    }

    /** The files written so far, in order. */
    List<Path> written() {
        return List.copyOf(written);
    }
}
