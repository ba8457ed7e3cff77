package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixteen small JPEGs whose headers claim 13000x13000 pixels, loaded by sixteen workers at once: each is decoded
 * at the scale the model needs (or refused when that is more than images may hold at once), so the run ends
 * normally, naming the sixteen files, instead of running out of memory.
 */
class HugeImagesTest {
    @TempDir
    Path work;

    @Test
    void sixteenJpegsClaimingThirteenThousandSquaredAreSkippedNotFatal() throws Exception {
        Path data = work.resolve("data");
        for (int i = 0; i < 40; i++) {
            Path folder = Files.createDirectories(data.resolve(i < 32 ? "train" : "val")
                    .resolve(i % 2 == 0 ? "dark" : "light"));
            ImageIO.write(solid(i % 2 == 0 ? 0x202020 : 0xE0E0E0), "jpeg", folder.resolve(i + ".jpg").toFile());
        }
        byte[] bomb = claiming(13000, 13000);
        assertTrue(bomb.length < 1000, bomb.length + " bytes");
        for (int i = 0; i < 16; i++) {
            Files.write(data.resolve("train").resolve(i % 2 == 0 ? "dark" : "light").resolve("huge" + i + ".jpg"), bomb);
        }
        Striate.Result result = Striate.run(work, 300, "train", "lenet5", "--data", data.toString(), "--out", work.resolve("run").toString(), "--epochs", "1", "--batch", "8", "--device", "cpu",
                "--workers", "16");
        assertEquals(0, result.exitCode(), result.toString());
        List<String> skipped = result.errorLines().stream().filter(l -> l.startsWith("warning: skipped")).toList();
        assertEquals(16, skipped.size(), result.stderr());
        assertTrue(skipped.stream().allMatch(l -> l.contains("huge") && l.contains("JPEG")), skipped.toString());
    }

    private static BufferedImage solid(int rgb) {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /** A 16x16 JPEG whose frame header is rewritten to claim {@code width x height}: its data ends early. */
    private static byte[] claiming(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "jpeg", out);
        byte[] jpeg = out.toByteArray();
        for (int at = 2; at < jpeg.length; ) {
            int length = ((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF);
            if ((jpeg[at + 1] & 0xFF) == 0xC0) {
                ByteBuffer.wrap(jpeg).putShort(at + 5, (short) height).putShort(at + 7, (short) width);
                return jpeg;
            }
            at += 2 + length;
        }
        throw new IllegalStateException("no SOF0 in the JPEG writer's output");
    }
}
