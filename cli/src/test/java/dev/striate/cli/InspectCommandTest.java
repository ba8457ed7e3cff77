package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every view of {@code striate inspect} on a LeNet-5 trained for one epoch on tiny data, and the user's mistakes. */
class InspectCommandTest {
    @TempDir
    static Path dir;
    static Path run;
    static Path image;

    @BeforeAll
    static void trainAndDrawAnImage() throws IOException {
        Path data = TinyIdx.write(dir.resolve("idx"), 12, 6);
        run = dir.resolve("run");
        CliRun trained = CliRun.of("train", "lenet5", "--data", data.toString(), "--epochs", "1", "--batch", "4",
                "--out", run.toString(), "--device", "cpu", "--workers", "1");
        assertEquals(Main.OK, trained.status(), trained.err());
        BufferedImage picture = new BufferedImage(6, 6, BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < 36; p++) {
            picture.getRaster().setSample(p % 6, p / 6, 0, 220 - p);
        }
        image = dir.resolve("bright.png");
        ImageIO.write(picture, "png", image.toFile());
    }

    private static CliRun inspect(String... arguments) {
        String[] all = new String[arguments.length + 3];
        all[0] = "inspect";
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        all[all.length - 2] = "--device";
        all[all.length - 1] = "cpu";
        return CliRun.of(all);
    }

    @Test
    void filtersOfTheFirstConvolutionAreAGridOfSixTiles() throws IOException {
        Path out = dir.resolve("filters");
        CliRun result = inspect("filters", run.toString(), "--out", out.toString());
        assertEquals(Main.OK, result.status(), result.err());
        BufferedImage grid = ImageIO.read(out.resolve("filters-0.png").toFile());
        // 6 filters of 1x5x5 in 3 columns, 2 rows; each pixel 8x8 (tiles about 40 wide), a gap of one block
        assertEquals(3 * 6 * 8 + 8, grid.getWidth());
        assertEquals(2 * 6 * 8 + 8, grid.getHeight());
        CliRun again = inspect("filters", run.toString(), "--out", out.toString());
        assertEquals(Main.USER_ERROR, again.status());
        assertTrue(again.err().contains("filters-0.png exists; refusing to overwrite it"), again.err());
    }

    @Test
    void activationsSaliencyDistributionsAndMaximizeWriteTheirPictures() throws IOException {
        Path out = dir.resolve("views");
        CliRun activations = inspect("activations", run.toString(), image.toString(), "--layer", "0,9", "--out",
                out.toString());
        assertEquals(Main.OK, activations.status(), activations.err());
        assertTrue(Files.isRegularFile(out.resolve("activations-0.png")));
        assertTrue(Files.isRegularFile(out.resolve("activations-9.png")));
        CliRun saliency = inspect("saliency", run.toString(), image.toString(), "--class", "1", "--out",
                out.toString(), "--json");
        assertEquals(Main.OK, saliency.status(), saliency.err());
        JsonNode json = new ObjectMapper().readTree(saliency.out());
        assertEquals("bright", json.get("className").asText());
        assertTrue(json.get("maxSaliency").asDouble() > 0);
        assertTrue(Files.isRegularFile(out.resolve("saliency-class-1.png")));
        CliRun distributions = inspect("distributions", run.toString(), "--data", dir.resolve("idx").toString(),
                "--images", "5", "--layer", "0,1", "--out", out.toString(), "--json");
        assertEquals(Main.OK, distributions.status(), distributions.err());
        JsonNode layers = new ObjectMapper().readTree(distributions.out()).get("layers");
        assertEquals(5 * 6 * 28 * 28, layers.get(0).get("values").asLong(), "5 images of 6x28x28 values");
        assertEquals(0, layers.get(0).get("zeroFraction").asDouble(), 0.01, "a convolution's output is seldom 0");
        long counted = 0;
        for (JsonNode count : layers.get(1).get("counts")) {
            counted += count.asLong();
        }
        assertEquals(layers.get(1).get("values").asLong(), counted, "every value falls in a bin");
        CliRun maximize = inspect("maximize", run.toString(), "--layer", "0", "--channel", "0,1", "--steps", "5",
                "--out", out.toString(), "--json");
        assertEquals(Main.OK, maximize.status(), maximize.err());
        assertTrue(Files.isRegularFile(out.resolve("maximize-0-channel-0_1.png")));
        CliRun byClass = inspect("maximize", run.toString(), "--class", "0", "--steps", "5", "--out", out.toString());
        assertEquals(Main.OK, byClass.status(), byClass.err());
        assertTrue(Files.isRegularFile(out.resolve("maximize-class-0.png")));
    }

    @Test
    void aModelWithWeightsWorksLikeItsRunFolder() {
        Path out = dir.resolve("weights");
        CliRun result = inspect("saliency", "lenet5", image.toString(), "--weights",
                run.resolve("best").resolve("model.safetensors").toString(), "--out", out.toString());
        assertEquals(Main.OK, result.status(), result.err());
        assertTrue(Files.isRegularFile(out.resolve("saliency-class-0.png"))
                || Files.isRegularFile(out.resolve("saliency-class-1.png")));
    }

    @Test
    void mistakesAreOneLineNamingTheFault() {
        Path out = dir.resolve("mistakes");
        assertError(inspect("filters", run.toString(), "--layer", "conv1", "--out", out.toString()),
                "--layer 'conv1': lenet5 has no such node; closest: ");
        assertError(inspect("filters", run.toString(), "--layer", "1", "--out", out.toString()),
                "--layer '1' is a Relu, not a convolution; convolutions of lenet5: 0, 3, 6");
        assertError(inspect("filters", run.toString(), "--data", "x", "--out", out.toString()),
                "inspect filters does not take --data");
        assertError(inspect("paint", run.toString(), "--out", out.toString()),
                "unknown view 'paint'; views: filters, activations, distributions, saliency, maximize");
        assertError(inspect("filters", run.toString()), "--out DIR is required");
        assertError(inspect("filters", "lenet5", "--out", out.toString()), "needs --weights FILE");
        assertError(inspect("maximize", run.toString(), "--layer", "0", "--channel", "6", "--out", out.toString()),
                "--channel 6 is out of range: '0' has 6 channels (0 to 5)");
        assertError(inspect("saliency", run.toString(), "--out", out.toString()), "takes one IMAGE after the model");
        // x ← x(1 − 2γλ) + γ∇f with 2γλ = 2e10 flips and multiplies the image by about 2e10 each step
        assertError(inspect("maximize", run.toString(), "--class", "0", "--step-size", "1e10", "--l2", "1",
                "--steps", "50", "--out", out.toString()), "the ascent left the range of numbers");
        assertFalse(Files.exists(out.resolve("maximize-class-0.png")));
        assertFalse(Files.exists(out.resolve("filters-0.png")));
    }

    private static void assertError(CliRun result, String part) {
        assertEquals(Main.USER_ERROR, result.status(), result.err());
        assertTrue(result.err().contains(part), result.err());
        assertEquals(1, result.err().lines().filter(l -> l.startsWith("striate")).count(), result.err());
    }
}
