package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on an image folder made by {@code striate dataset export-folder}, with a corrupt JPEG, a truncated PNG and
 * a text file among the images: the run completes and names and counts the three files it skipped.
 */
class BadFilesTest {
    @TempDir
    Path work;

    @Test
    void unreadableFilesAreSkippedNamedAndCounted() throws Exception {
        Path idx = SmallFashionMnist.write(work.resolve("idx"), 300, 100);
        Path folder = work.resolve("folder");
        Striate.Result export = Striate.run(work, 120, "dataset", "export-folder", idx.toString(), folder.toString());
        assertEquals(0, export.exitCode(), export.toString());

        Path bags = folder.resolve("train").resolve("Bag");
        Path coats = folder.resolve("train").resolve("Coat");
        Path corruptJpeg = bags.resolve("corrupt.jpg");
        byte[] jpegStart = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};
        byte[] corrupt = Arrays.copyOf(jpegStart, 600);
        Arrays.fill(corrupt, jpegStart.length, corrupt.length, (byte) 0x5A);
        Files.write(corruptJpeg, corrupt);
        Path someCoat;
        try (var coatFiles = Files.list(coats)) {
            someCoat = coatFiles.filter(p -> p.toString().endsWith(".png")).sorted().findFirst().orElseThrow();
        }
        byte[] png = Files.readAllBytes(someCoat);
        Path truncatedPng = coats.resolve("truncated.png");
        Files.write(truncatedPng, Arrays.copyOf(png, png.length / 2));
        Path text = bags.resolve("notes.txt");
        Files.writeString(text, "these are not the images you are looking for\n");

        Path out = work.resolve("run");
        Striate.Result result = Striate.run(work, 300, "train", "lenet5", "--data", folder.toString(), "--out",
                out.toString(), "--epochs", "2", "--batch", "32", "--device", "cpu", "--workers", "2");
        assertEquals(0, result.exitCode(), result.toString());
        List<String> warnings = result.errorLines().stream().filter(l -> l.startsWith("warning: skipped")).toList();
        assertEquals(3, warnings.size(), result.stderr());
        for (Path bad : List.of(corruptJpeg, truncatedPng, text)) {
            assertTrue(warnings.stream().anyMatch(w -> w.contains(bad.toString())), bad + " in " + warnings);
        }
        assertTrue(result.stderr().contains("skipped 3 files"), result.stderr());
        List<JsonNode> rows = KillAndResumeTest.metrics(out);
        assertEquals(2, rows.size());
        for (JsonNode row : rows) {
            assertEquals(3, row.get("skippedFiles").asInt(), row.toString());
        }
        assertTrue(result.stdout().contains("trained 2 epochs"), result.stdout());
    }
}
