package dev.striate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command: {@code striate demo} trains through the CLI on the shipped Fashion-MNIST subset and must
 * reach 85% test accuracy; the run it leaves is then evaluated and used for predictions as a user would.
 */
class DemoTest {
    static final double REQUIRED_ACCURACY = 0.85;

    @TempDir
    Path work;

    @Test
    void demoReachesTheRequiredTestAccuracyAndItsRunServesEvalAndPredict() throws Exception {
        Path run = work.resolve("demo-run");
        Striate.Result demo = Striate.run(work, 900, "demo", "--json", "--device", "cpu", "--out", run.toString());
        assertEquals(0, demo.exitCode(), demo.toString());
        ObjectMapper mapper = new ObjectMapper();
        JsonNode result = mapper.readTree(demo.stdout());
        double accuracy = result.get("testAccuracy").asDouble();
        assertTrue(accuracy >= REQUIRED_ACCURACY, "test accuracy " + accuracy + "\n" + demo.stderr());
        assertEquals(2500, result.get("testImages").asInt());
        assertTrue(Files.size(run.resolve("curves.png")) > 1000);
        assertEquals(result.get("epochs").asInt(), Files.readAllLines(run.resolve("metrics.csv")).size() - 1);

        Striate.Result eval = Striate.run(work, 300, "eval", run.toString(), "--checkpoint", "last", "--data",
                "fashion-mnist-subset", "--json", "--device", "cpu");
        assertEquals(0, eval.exitCode(), eval.toString());
        JsonNode evaluation = mapper.readTree(eval.stdout());
        assertEquals(accuracy, evaluation.get("top1").asDouble(), 1e-12, "eval of last/ repeats the demo's test");
        assertEquals(10, evaluation.get("confusion").size());
        long images = 0;
        for (JsonNode row : evaluation.get("confusion")) {
            for (JsonNode count : row) {
                images += count.asLong();
            }
        }
        assertEquals(2500, images);

        List<Path> pictures = testImages(work, 2);
        Striate.Result predict = Striate.run(work, 120, "predict", run.toString(), pictures.get(0).toString(),
                pictures.get(1).toString(), "--json", "--device", "cpu");
        assertEquals(0, predict.exitCode(), predict.toString());
        JsonNode predictions = mapper.readTree(predict.stdout());
        assertEquals(2, predictions.size());
        for (JsonNode image : predictions) {
            JsonNode top = image.get("predictions");
            assertEquals(5, top.size());
            double sum = 0;
            double previous = 1;
            for (JsonNode prediction : top) {
                double probability = prediction.get("probability").asDouble();
                assertTrue(probability > 0 && probability <= previous + 1e-15, top.toString());
                previous = probability;
                sum += probability;
            }
            assertTrue(sum <= 1 + 1e-9, top.toString());
        }
    }

    /** The first test images of the shipped subset as PNG files, as a user would have them. */
    static List<Path> testImages(Path dir, int count) throws Exception {
        try (InputStream resource = DemoTest.class.getClassLoader()
                .getResourceAsStream("demo/fashion-mnist-subset/t10k-images-idx3-ubyte.gz");
             DataInputStream in = new DataInputStream(new GZIPInputStream(resource))) {
            in.skipNBytes(16);
            Path[] files = new Path[count];
            for (int i = 0; i < count; i++) {
                BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                byte[] pixels = in.readNBytes(28 * 28);
                for (int p = 0; p < pixels.length; p++) {
                    image.getRaster().setSample(p % 28, p / 28, 0, pixels[p] & 0xFF);
                }
                files[i] = dir.resolve("test-" + i + ".png");
                ImageIO.write(image, "png", files[i].toFile());
            }
            return List.of(files);
        }
    }
}
