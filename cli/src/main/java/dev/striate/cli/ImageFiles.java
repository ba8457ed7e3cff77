package dev.striate.cli;

import dev.striate.core.FileNames;
import dev.striate.core.FileProblems;
import dev.striate.core.UserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The images a command was given: files as named, and every file under a named folder (walked, in name order,
 * hidden files and folders left out). A file found in a folder that turns out not to be an image is skipped with a
 * warning; a file the user named is expected to be one.
 *
 * @param files     in the order given, each folder's files in name order
 * @param fromFolder the files found by walking a folder rather than named
 */
record ImageFiles(List<Path> files, Set<Path> fromFolder) {
    ImageFiles {
        files = List.copyOf(files);
        fromFolder = Set.copyOf(fromFolder);
    }

    static ImageFiles of(List<String> arguments) {
        List<Path> files = new ArrayList<>();
        Set<Path> fromFolder = new HashSet<>();
        for (String argument : arguments) {
            Path path = FileNames.fromArgument(argument);
            if (Files.isDirectory(path)) {
                List<Path> found = walk(path);
                files.addAll(found);
                fromFolder.addAll(found);
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                throw new UserException(FileNames.quoted(path) + ": no such image or folder");
            }
        }
        return new ImageFiles(files, fromFolder);
    }

    private static List<Path> walk(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(file -> Files.isRegularFile(file) && !hidden(folder.relativize(file))).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UserException("cannot read the folder " + FileNames.quoted(folder) + ": "
                    + FileProblems.reason(e));
        } catch (UncheckedIOException e) {
            throw new UserException("cannot read the folder " + FileNames.quoted(folder) + ": "
                    + FileProblems.reason(e.getCause()));
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
