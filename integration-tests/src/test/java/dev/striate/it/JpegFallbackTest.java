package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With libjpeg-turbo made unavailable (its variable names a file that does not exist), training on JPEGs still
 * runs, through ImageIO, and says so in one notice line for the run, not one per image.
 */
class JpegFallbackTest {
    @TempDir
    Path work;

    @Test
    void trainingRunsThroughImageIoWithOneNotice() throws Exception {
        Path data = work.resolve("jpegs");
        Random random = new Random(5);
        for (int i = 0; i < 40; i++) {
            BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
            int color = i % 2 == 0 ? 0xC04020 : 0x2040C0;
            for (int y = 0; y < 30; y++) {
                for (int x = 0; x < 40; x++) {
                    image.setRGB(x, y, color ^ random.nextInt(0x10));
                }
            }
            Path folder = Files.createDirectories(data.resolve(i % 2 == 0 ? "red" : "blue"));
            ImageIO.write(image, "jpeg", folder.resolve(i + ".jpg").toFile());
        }
        Striate.Result result = Striate.run(work, 300,
                Map.of("STRIATE_LIBTURBOJPEG", work.resolve("absent/libturbojpeg.so.0").toString()),
                "train", "lenet5", "--data", data.toString(), "--val-split", "0.25", "--out",
                work.resolve("run").toString(), "--epochs", "2", "--batch", "8", "--device", "cpu", "--workers", "2");
        assertEquals(0, result.exitCode(), result.toString());
        List<String> notices = result.errorLines().stream().filter(line -> line.contains("JPEG decoder")).toList();
        assertEquals(List.of("notice: JPEG decoder: ImageIO, 2-4x slower: libjpeg-turbo's "
                + work.resolve("absent/libturbojpeg.so.0") + " was not found (apt-get install libturbojpeg0)"),
                notices, result.stderr());
        assertTrue(Files.isDirectory(work.resolve("run").resolve("last")), result.toString());
    }
}
