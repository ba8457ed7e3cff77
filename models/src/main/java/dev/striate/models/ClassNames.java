package dev.striate.models;

import dev.striate.core.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Class names for a classifier's outputs, one per line: from a user's file ({@code --classes}), or the ImageNet-1k
 * names built in, in torchvision's order (the list {@code torchvision.models._meta._IMAGENET_CATEGORIES}), so that
 * torchvision's ImageNet weights name what they see.
 */
public final class ClassNames {
    /** Outputs of an ImageNet-1k head. */
    public static final int IMAGENET_CLASSES = 1000;
    private static final String IMAGENET_RESOURCE = "/classes/imagenet-1k.txt";

    private ClassNames() {
    }

    /** The 1000 ImageNet-1k class names in torchvision's label order. */
    public static List<String> imageNet() {
        try (InputStream in = ClassNames.class.getResourceAsStream(IMAGENET_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(IMAGENET_RESOURCE + " is missing from the jar");
            }
            return lines(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of names, one per line (blank lines at the end ignored), which must name {@code count} classes. */
    public static List<String> read(Path file, int count) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserException("--classes " + file + ": no such file");
        } catch (IOException e) {
            throw new UserException("--classes " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        List<String> names = lines(text);
        if (names.size() != count) {
            throw new UserException("--classes " + file + " names " + names.size() + " classes but the model has "
                    + count + " outputs; give one name per line, in the order of the model's outputs");
        }
        return names;
    }

    private static List<String> lines(String text) {
        return text.strip().lines().map(String::strip).toList();
    }
}
