package dev.striate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names are opened as the OS gave them and printed on one line. */
class FileNamesTest {
    @TempDir
    Path folder;

    /** A file whose name is the Latin-1 bytes "caf\xe9.png", which are not UTF-8 (made through a URI's raw bytes). */
    private Path latin1File() throws IOException {
        Path file = Path.of(URI.create(folder.toUri() + "caf%E9.png"));
        return Files.writeString(file, "image");
    }

    @Test
    void anArgumentThatIsNotUtf8OpensTheFileTheShellNamed() throws IOException {
        Path file = latin1File();
        // The JVM decodes the argument's byte 0xe9 as U+FFFD, as it does for main(String[]).
        String argument = folder + "/caf\uFFFD.png";
        Path opened = FileNames.fromArgument(argument);
        assertTrue(Files.isRegularFile(opened), opened.toString());
        assertEquals(file, opened);
        assertEquals("image", Files.readString(opened));
    }

    @Test
    void anArgumentThatNamesNothingIsReturnedAsGiven() {
        String argument = folder + "/missing-\uFFFD.png";
        assertEquals(Path.of(argument), FileNames.fromArgument(argument));
        assertEquals(Path.of("plain.png"), FileNames.fromArgument("plain.png"));
    }

    @Test
    void aNameThatIsNotUtf8PrintsItsBytes() throws IOException {
        assertEquals(folder + "/caf\\xe9.png", FileNames.quoted(latin1File()));
    }

    @Test
    void controlCharactersPrintAsEscapesOnOneLine() {
        assertEquals("a\\nb\\tc\\x1bd\\\\e", FileNames.quoted(Path.of("a\nb\tc\u001bd\\e")));
        assertEquals("line one\\nline two \\ stays", FileNames.oneLine("line one\nline two \\ stays"));
    }

    @Test
    void permissionDeniedIsSaid() {
        assertEquals("permission denied on /data/cats",
                FileProblems.reason(new AccessDeniedException("/data/cats")));
    }
}
