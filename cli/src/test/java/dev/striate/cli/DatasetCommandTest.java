package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCommandTest {
    @TempDir
    Path dir;

    /** IDX images of 2x2 pixels, image i all (10 * i + 5), with the given labels; classes from classes.txt. */
    private Path idxFolder(int[] trainLabels, int[] testLabels) throws IOException {
        Path idx = Files.createDirectories(dir.resolve("idx"));
        writeIdx(idx, "train", trainLabels);
        writeIdx(idx, "t10k", testLabels);
        Files.writeString(idx.resolve("classes.txt"), "T-shirt/top\nTrouser\n");
        return idx;
    }

    private static void writeIdx(Path idx, String split, int[] labels) throws IOException {
        ByteBuffer images = ByteBuffer.allocate(16 + 4 * labels.length).putInt(0x803).putInt(labels.length)
                .putInt(2).putInt(2);
        ByteBuffer labelBytes = ByteBuffer.allocate(8 + labels.length).putInt(0x801).putInt(labels.length);
        for (int i = 0; i < labels.length; i++) {
            for (int p = 0; p < 4; p++) {
                images.put((byte) (10 * i + 5));
            }
            labelBytes.put((byte) labels[i]);
        }
        Files.write(idx.resolve(split + "-images-idx3-ubyte"), images.array());
        Files.write(idx.resolve(split + "-labels-idx1-ubyte"), labelBytes.array());
    }

    @Test
    void exportFolderWritesGrayPngsPerClassAndSplit() throws IOException {
        Path idx = idxFolder(new int[] {1, 0, 1}, new int[] {0, 1});
        Path out = dir.resolve("out");
        CliRun result = CliRun.of("dataset", "export-folder", idx.toString(), out.toString());
        assertEquals(0, result.status(), result.err());
        assertEquals("wrote 3 train and 2 val images to " + out + " (grayscale PNG, one folder per class)\n",
                result.out());
        assertEquals(List.of("0.png", "2.png"), names(out.resolve("train/Trouser")));
        assertEquals(List.of("1.png"), names(out.resolve("train/T-shirt_top")));
        assertEquals(List.of("1.png"), names(out.resolve("val/Trouser")));
        BufferedImage png = ImageIO.read(out.resolve("train/Trouser/2.png").toFile());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, png.getType());
        assertEquals(25, png.getRaster().getSample(1, 1, 0));
    }

    @Test
    void exportFolderRefusesAFolderThatHoldsAnything() throws IOException {
        Path idx = idxFolder(new int[] {0, 1}, new int[] {1});
        Path out = Files.createDirectories(dir.resolve("out"));
        Path precious = Files.writeString(out.resolve("precious.txt"), "keep me");
        CliRun result = CliRun.of("dataset", "export-folder", idx.toString(), out.toString());
        assertEquals(2, result.status());
        assertEquals("striate dataset: " + out + " is not empty: choose a new or empty folder (nothing was written)\n",
                result.err());
        assertEquals(List.of("precious.txt"), names(out));
        assertEquals("keep me", Files.readString(precious));
    }

    @Test
    void infoCountsClassesAndNamesUnreadableFiles() throws IOException {
        Path data = dir.resolve("data");
        for (String file : new String[] {"train/cat/a.png", "train/cat/b.png", "train/dog/c.png", "val/dog/d.png"}) {
            Files.createDirectories(data.resolve(file).getParent());
            ImageIO.write(new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB), "png", data.resolve(file).toFile());
        }
        Files.writeString(data.resolve("train/dog/readme.jpg"), "not a picture");
        CliRun text = CliRun.of("dataset", "info", data.toString());
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().contains("cat           2         0\n"), text.out());
        assertTrue(text.out().contains("dog           2         1\n"), text.out());
        assertTrue(text.out().contains("unreadable files: 1\n  " + data.resolve("train/dog/readme.jpg")
                + ": not an image"), text.out());

        CliRun json = CliRun.of("dataset", "info", data.toString(), "--json", "--workers", "2");
        assertEquals(0, json.status(), json.err());
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertEquals("train_val", root.get("layout").asText());
        assertEquals(4, root.at("/splits/train/images").asInt());
        assertEquals(1, root.at("/splits/val/perClass/dog").asInt());
        assertEquals(data.resolve("train/dog/readme.jpg").toString(), root.at("/unreadable/0/file").asText());
    }

    /** A folder of val/ alone is the validation split (issue: it was read as one class named "val"). */
    @Test
    void infoReadsAValFolderAloneAsTheValidationSplit() throws IOException {
        Path data = dir.resolve("valonly");
        for (String file : new String[] {"val/cat/a.png", "val/cat/b.png", "val/dog/c.png"}) {
            Files.createDirectories(data.resolve(file).getParent());
            ImageIO.write(new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB), "png", data.resolve(file).toFile());
        }
        CliRun text = CliRun.of("dataset", "info", data.toString());
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().contains("classes: 2\n"), text.out());
        assertTrue(text.out().contains("cat           2\n"), text.out());
        assertTrue(text.out().contains("dog           1\n"), text.out());
    }

    /** The loader timed alone on a few JPEGs: rates per epoch, the median, the stages and the decoders. */
    @Test
    void benchTimesTheLoaderByStage() throws IOException {
        Path data = dir.resolve("photos");
        for (int i = 0; i < 12; i++) {
            Path folder = Files.createDirectories(data.resolve("class" + i % 3));
            BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
            image.setRGB(i, i, 0xFFFFFF);
            ImageIO.write(image, "jpeg", folder.resolve(i + ".jpg").toFile());
        }
        CliRun json = CliRun.of("dataset", "bench", data.toString(), "--workers", "2", "--batch", "5", "--epochs",
                "3", "--json");
        assertEquals(0, json.status(), json.err());
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertEquals(12, root.get("images").asInt());
        assertEquals(3, root.get("per_epoch").size());
        double median = root.get("images_per_s").asDouble();
        double second = root.at("/per_epoch/1").asDouble();
        double third = root.at("/per_epoch/2").asDouble();
        assertEquals((second + third) / 2, median, 0.11, "median of the epochs after the first");
        for (String stage : List.of("read", "decode", "augment", "batch")) {
            assertTrue(root.at("/ms_per_image/" + stage).asDouble() >= 0, stage);
        }
        // Epochs 2 and 3 are counted: 24 decodes, by whichever decoder this machine has.
        long decoded = 0;
        for (JsonNode count : root.get("decoders")) {
            decoded += count.asLong();
        }
        assertEquals(24, decoded, root.toString());

        CliRun text = CliRun.of("dataset", "bench", data.toString(), "--epochs", "1", "--transforms", "plain");
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().contains("worker time per image:  read "), text.out());
        assertEquals("striate dataset: --transforms must be imagenet or plain, got 'fancy'\n",
                CliRun.of("dataset", "bench", data.toString(), "--transforms", "fancy").err());
    }

    @Test
    void infoOnTheShippedSubset() {
        CliRun result = CliRun.of("dataset", "info", "fashion-mnist-subset", "--json");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("\"T-shirt/top\" : 1500"), result.out());
        assertTrue(result.out().contains("\"images\" : 2500"), result.out());
    }

    @Test
    void userMistakesExitWithStatusTwo() {
        CliRun missing = CliRun.of("dataset", "info", dir.resolve("absent").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("striate dataset: data folder " + dir.resolve("absent")
                + " does not exist"), missing.err());
        assertEquals(2, CliRun.of("dataset", "convert", "x").status());
        assertEquals(2, CliRun.of("dataset", "export-folder", dir.toString()).status());
    }

    private static List<String> names(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
