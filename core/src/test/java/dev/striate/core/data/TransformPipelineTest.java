package dev.striate.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.core.UserException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransformPipelineTest {
    private static final float TOLERANCE = 1e-5f;

    /** A one-channel image whose pixel (y, x) is {@code values[y][x]}. */
    private static DecodedImage gray(int[][] values) {
        int height = values.length;
        int width = values[0].length;
        byte[] pixels = new byte[height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                pixels[y * width + x] = (byte) values[y][x];
            }
        }
        return new DecodedImage(height, width, 1, pixels);
    }

    private static float[] run(TransformPipeline pipeline, DecodedImage image, long seed) {
        float[] out = new float[pipeline.itemSize()];
        pipeline.apply(image, new SplittableRandom(seed), out, 0);
        return out;
    }

    private static void assertValues(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE, "value " + i);
        }
    }

    /**
     * 2x4 down to 1x2 (shorter side 2 -> 1): PIL's triangle filter widened to support 2. Horizontally output 0
     * takes inputs 0, 1, 2 with weights 3/7, 3/7, 1/7 and output 1 takes inputs 1, 2, 3 with 1/7, 3/7, 3/7;
     * vertically both rows weigh 1/2. Row 0 (0, 40, 80, 120) gives 200/7 and 640/7, row 1 (10, 50, 90, 130)
     * 270/7 and 710/7; their means are 470/14 and 1350/14, then divided by 255.
     */
    @Test
    void resizeShorterSideDownscalesWithAntialiasing() {
        TransformPipeline pipeline = new TransformPipeline(1, 1, 2, 1, 0, 0, null, 0, null);
        float[] out = run(pipeline, gray(new int[][] {{0, 40, 80, 120}, {10, 50, 90, 130}}), 0);
        assertValues(new float[] {470f / 14 / 255, 1350f / 14 / 255}, out);
    }

    @Test
    void resizeShorterSideKeepsAspectTruncated() {
        TransformPipeline pipeline = new TransformPipeline(1, 4, 5, 4, 0, 0, null, 0, null);
        TransformPlan plan = pipeline.plan(7, 10, new SplittableRandom(0));
        assertEquals(4, plan.resizedHeight());
        assertEquals(5, plan.resizedWidth()); // 4 * 10 / 7 = 5.71, truncated as torchvision does
    }

    @Test
    void centerCropRoundsHalfToEven() {
        int[][] values = new int[7][5];
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 5; x++) {
                values[y][x] = 10 * y + x;
            }
        }
        // (7 - 2) / 2 = 2.5 rounds to 2, (5 - 2) / 2 = 1.5 rounds to 2: the window starts at row 2, column 2.
        TransformPipeline pipeline = new TransformPipeline(1, 2, 2, 0, 2, 2, null, 0, null);
        float[] out = run(pipeline, gray(values), 0);
        assertValues(new float[] {22f / 255, 23f / 255, 32f / 255, 33f / 255}, out);
    }

    @Test
    void centerCropLargerThanTheImagePadsWithZeros() {
        TransformPipeline pipeline = new TransformPipeline(1, 4, 4, 0, 4, 4, null, 0, null);
        float[] out = run(pipeline, gray(new int[][] {{51, 102}, {153, 204}}), 0);
        float a = 51f / 255;
        float b = 102f / 255;
        float c = 153f / 255;
        float d = 204f / 255;
        assertValues(new float[] {0, 0, 0, 0, 0, a, b, 0, 0, c, d, 0, 0, 0, 0, 0}, out);
    }

    @Test
    void evaluationResizesThenCrops() {
        // 6x8 image, shorter side to 3 (scale 2 both ways), then the center 2x2 of the 3x4 result.
        int[][] values = new int[6][8];
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                values[y][x] = 60;
            }
        }
        TransformPipeline pipeline = new TransformPipeline(1, 2, 2, 3, 2, 2, null, 0, null);
        assertValues(new float[] {60f / 255, 60f / 255, 60f / 255, 60f / 255}, run(pipeline, gray(values), 0));
    }

    @Test
    void flipMirrorsRowsWithTheGivenProbability() {
        DecodedImage image = gray(new int[][] {{0, 51, 102}, {153, 204, 255}});
        float[] flipped = run(new TransformPipeline(1, 2, 3, 0, 0, 0, null, 1.0, null), image, 0);
        assertValues(new float[] {0.4f, 0.2f, 0, 1, 0.8f, 0.6f}, flipped);
        float[] kept = run(new TransformPipeline(1, 2, 3, 0, 0, 0, null, 0.0, null), image, 0);
        assertValues(new float[] {0, 0.2f, 0.4f, 0.6f, 0.8f, 1}, kept);
    }

    @Test
    void normalizeUsesImageNetStatisticsForRgb() {
        DecodedImage pixel = new DecodedImage(1, 1, 3, new byte[] {(byte) 255, 0, (byte) 128});
        float[] out = run(TransformPipeline.plain(3, 1, 1), pixel, 0);
        assertValues(new float[] {(1 - 0.485f) / 0.229f, (0 - 0.456f) / 0.224f, (128f / 255 - 0.406f) / 0.225f},
                out);
    }

    @Test
    void normalizeMapsOneChannelToMinusOneOne() {
        float[] out = run(TransformPipeline.plain(1, 1, 2), gray(new int[][] {{0, 255}}), 0);
        assertValues(new float[] {-1, 1}, out);
    }

    @Test
    void channelConversions() {
        DecodedImage rgb = new DecodedImage(1, 1, 3, new byte[] {100, (byte) 150, (byte) 200});
        float luma = (0.299f * 100 + 0.587f * 150 + 0.114f * 200) / 255; // 140.75 / 255
        assertValues(new float[] {luma}, run(new TransformPipeline(1, 1, 1, 0, 0, 0, null, 0, null), rgb, 0));
        float gray = 77f / 255;
        assertValues(new float[] {gray, gray, gray},
                run(new TransformPipeline(3, 1, 1, 0, 0, 0, null, 0, null), gray(new int[][] {{77}}), 0));
    }

    /**
     * 4x8 image, scale 1 and ratio 1: every try wants a 6x6 window (sqrt(32) rounded), taller than the image,
     * so after ten tries the fallback takes the whole height and a width clamped to ratio 1: columns 2..5.
     */
    @Test
    void randomResizedCropFallsBackToTheClampedCenter() {
        int[][] values = new int[4][8];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                values[y][x] = 10 * y + x;
            }
        }
        TransformPipeline pipeline = new TransformPipeline(1, 4, 4, 0, 0, 0, new RandomResizedCrop(1, 1, 1, 1), 0,
                null);
        float[] out = run(pipeline, gray(values), 5);
        float[] expected = new float[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                expected[y * 4 + x] = (10 * y + x + 2) / 255f;
            }
        }
        assertValues(expected, out);
    }

    @Test
    void randomResizedCropStaysInsideAndFollowsTheSeed() {
        RandomResizedCrop crop = RandomResizedCrop.imagenet();
        for (long seed = 0; seed < 200; seed++) {
            CropWindow window = crop.choose(50, 80, new SplittableRandom(seed));
            assertTrue(window.top() >= 0 && window.left() >= 0 && window.height() > 0 && window.width() > 0
                    && window.top() + window.height() <= 50 && window.left() + window.width() <= 80, window::toString);
            assertEquals(window, crop.choose(50, 80, new SplittableRandom(seed)));
            double area = (double) window.height() * window.width() / (50 * 80);
            assertTrue(area >= 0.07 && area <= 1.0, "area fraction " + area);
        }
    }

    @Test
    void factoriesFollowTheImageNetRecipes() {
        TransformPipeline train = TransformPipeline.train(3, 224, 224);
        assertEquals(RandomResizedCrop.imagenet(), train.randomResizedCrop());
        assertEquals(0.5, train.flipProbability());
        assertEquals(List.of(0.485, 0.456, 0.406), train.normalization().mean());
        TransformPipeline eval = TransformPipeline.evaluation(3, 224, 224);
        assertEquals(256, eval.resizeShorter());
        assertEquals(224, eval.cropHeight());
        assertNull(eval.randomResizedCrop());
        assertEquals(0, eval.flipProbability());
        assertEquals(32, TransformPipeline.evaluation(1, 28, 28).resizeShorter());
        assertEquals(List.of(0.5), TransformPipeline.plain(1, 28, 28).normalization().std());
    }

    @Test
    void jsonOverridesAndRoundTrips() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode json = mapper.readTree("""
                {"size": [32, 48], "flip": 0.25, "randomResizedCrop": {"scale": [0.5, 1.0]},
                 "normalize": {"mean": [0.1, 0.2, 0.3], "std": [1, 2, 3]}}""");
        TransformPipeline pipeline = TransformPipeline.fromJson(json, TransformPipeline.train(3, 224, 224));
        assertEquals(32, pipeline.height());
        assertEquals(48, pipeline.width());
        assertEquals(0.25, pipeline.flipProbability());
        assertEquals(new RandomResizedCrop(0.5, 1.0, 0.75, 4.0 / 3), pipeline.randomResizedCrop());
        assertEquals(List.of(1.0, 2.0, 3.0), pipeline.normalization().std());
        assertEquals(pipeline, TransformPipeline.fromJson(pipeline.toJson(), TransformPipeline.plain(1, 5, 5)));

        TransformPipeline gray = TransformPipeline.fromJson(mapper.readTree("{\"channels\": 1}"),
                TransformPipeline.evaluation(3, 224, 224));
        assertEquals(List.of(0.5), gray.normalization().mean());
        TransformPipeline none = TransformPipeline.fromJson(
                mapper.readTree("{\"randomResizedCrop\": false, \"normalize\": false, \"centerCrop\": 0}"),
                TransformPipeline.train(3, 8, 8));
        assertNull(none.randomResizedCrop());
        assertNull(none.normalization());
        assertEquals(0, none.cropHeight());
        assertNotNull(TransformPipeline.fromJson(mapper.readTree("{\"randomResizedCrop\": true}"),
                TransformPipeline.plain(3, 8, 8)).randomResizedCrop());
    }

    @Test
    void jsonErrorsNameTheKey() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        TransformPipeline base = TransformPipeline.train(3, 224, 224);
        assertError(mapper.readTree("{\"flips\": 0.5}"), base, "transform: unknown key 'flips' (did you mean"
                + " 'flip'?); valid keys: centerCrop, channels, flip, normalize, randomResizedCrop, resize, size");
        assertError(mapper.readTree("{\"flip\": 1.5}"), base,
                "transform: flip must be a probability between 0 and 1, got 1.5");
        assertError(mapper.readTree("{\"normalize\": {\"mean\": [0.5], \"std\": [0.5]}}"), base,
                "transform: normalize has 1 means and stds but the images have 3 channels");
        assertError(mapper.readTree("{\"size\": -3}"), base,
                "transform: size must be a positive integer, got -3");
        assertError(mapper.readTree("{\"channels\": 4}"), base, "transform: channels must be 1 or 3, got 4");
        assertError(mapper.readTree("{\"randomResizedCrop\": {\"scale\": [0.9, 0.1]}}"), base,
                "transform: random resized crop scale must satisfy 0 < min <= max <= 1, got [0.9, 0.1]");
        assertError(mapper.readTree("[1, 2]"), base, "transform: expected a JSON object, got [1,2]");
    }

    private static void assertError(JsonNode json, TransformPipeline base, String message) {
        UserException e = assertThrows(UserException.class, () -> TransformPipeline.fromJson(json, base));
        assertEquals(message, e.getMessage());
    }

    @Test
    void outputLandsAtTheOffset() {
        TransformPipeline pipeline = new TransformPipeline(1, 1, 2, 0, 0, 0, null, 0, null);
        float[] out = new float[5];
        pipeline.apply(gray(new int[][] {{255, 51}}), new SplittableRandom(0), out, 2);
        assertArrayEquals(new float[] {0, 0, 1, 0.2f, 0}, out, TOLERANCE);
    }

    /** A random RGB or gray image of the given size. */
    private static DecodedImage randomImage(int height, int width, int channels, long seed) {
        byte[] pixels = new byte[height * width * channels];
        new java.util.Random(seed).nextBytes(pixels);
        return new DecodedImage(height, width, channels, pixels);
    }

    /**
     * The fast path (separable, interleaved, one pass per axis) gives the plain path's values on every kind of
     * pipeline and channel conversion, up to float rounding (the normalization is a multiply-add there).
     */
    @Test
    void fastPathMatchesThePlainReference() {
        List<TransformPipeline> pipelines = List.of(TransformPipeline.train(3, 24, 20),
                TransformPipeline.evaluation(3, 16, 16), TransformPipeline.plain(1, 12, 30),
                new TransformPipeline(3, 10, 10, 14, 12, 12, null, 0.5, null),
                new TransformPipeline(1, 40, 40, 0, 50, 50, null, 0, Normalization.defaults(1)));
        for (int k = 0; k < pipelines.size(); k++) {
            for (int channels = 1; channels <= 3; channels += 2) {
                for (long seed = 0; seed < 6; seed++) {
                    DecodedImage image = randomImage(33 + (int) seed * 7, 45 - (int) seed * 3, channels, seed);
                    TransformPipeline pipeline = pipelines.get(k);
                    float[] expected = ReferenceTransform.apply(pipeline, image, new SplittableRandom(seed));
                    float[] actual = run(pipeline, image, seed);
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], actual[i], 1e-4f, "pipeline " + k + ", " + channels
                                + " channels, seed " + seed + ", value " + i);
                    }
                }
            }
        }
    }

    /**
     * Rendering from an image decoded at a reduced scale maps the plan's window onto it: a smooth image shrunk
     * 2x by averaging gives nearly the values of the full-size render.
     */
    @Test
    void renderingFromAScaledDecodeMatchesTheFullSize() {
        int height = 96;
        int width = 128;
        byte[] full = new byte[height * width * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                full[(y * width + x) * 3] = (byte) (2 * x);
                full[(y * width + x) * 3 + 1] = (byte) (2 * y);
                full[(y * width + x) * 3 + 2] = (byte) (x + y);
            }
        }
        byte[] half = new byte[height / 2 * width / 2 * 3];
        for (int y = 0; y < height / 2; y++) {
            for (int x = 0; x < width / 2; x++) {
                for (int c = 0; c < 3; c++) {
                    int sum = 0;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            sum += full[((2 * y + dy) * width + 2 * x + dx) * 3 + c] & 0xFF;
                        }
                    }
                    half[(y * width / 2 + x) * 3 + c] = (byte) ((sum + 2) / 4);
                }
            }
        }
        TransformPipeline pipeline = new TransformPipeline(3, 20, 20, 0, 0, 0, RandomResizedCrop.imagenet(), 0,
                null);
        for (long seed = 0; seed < 5; seed++) {
            TransformPlan plan = pipeline.plan(height, width, new SplittableRandom(seed));
            float[] expected = new float[pipeline.itemSize()];
            pipeline.render(new DecodedImage(height, width, 3, full), 8, plan, expected, 0);
            float[] actual = new float[pipeline.itemSize()];
            pipeline.render(new DecodedImage(height / 2, width / 2, 3, half), 4, plan, actual, 0);
            double difference = 0;
            for (int i = 0; i < expected.length; i++) {
                difference += Math.abs(expected[i] - actual[i]);
            }
            // Mean difference under 2 levels of 255 (the smooth ramps move by 2 per pixel).
            assertTrue(difference / expected.length < 2 / 255.0, "seed " + seed + ": " + difference / expected.length);
        }
    }

    /** The decode scale: the smallest eighth at which the window keeps at least the output's pixels. */
    @Test
    void minimumEighthsKeepsTheOutputsPixels() {
        CropWindow whole = new CropWindow(0, 0, 3000, 4000);
        assertEquals(1, new TransformPlan(whole, 224, 224, whole, false).minimumEighths()); // 375 >= 224
        assertEquals(2, new TransformPlan(new CropWindow(0, 0, 1000, 1000), 224, 224, whole, false)
                .minimumEighths()); // 1/8: 125 < 224; 2/8: 250
        assertEquals(8, new TransformPlan(new CropWindow(0, 0, 100, 300), 224, 224, whole, false)
                .minimumEighths()); // smaller than the output: full size
        assertEquals(5, new TransformPlan(new CropWindow(0, 0, 375, 500), 224, 224, whole, false)
                .minimumEighths()); // 4/8: 187.5 < 224; 5/8: 234
    }
}
