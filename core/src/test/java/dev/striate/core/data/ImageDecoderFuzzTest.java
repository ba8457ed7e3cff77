package dev.striate.core.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.SplittableRandom;

/**
 * Any bytes given as an image file end in pixels, run through the evaluation pipeline, or in an
 * {@link UnreadableImageException} (which the loader counts as a skipped file and predict reports as a user error),
 * never in another exception, nor above the fuzzer's memory and time bounds. Seeds: small JPEG, PNG, GIF and BMP
 * files, damaged ones, a header that claims 13000x13000, and a 41-byte GIF of 65406x1 pixels whose resize once
 * allocated 85 million pixels (the fuzzer's first finding).
 */
class ImageDecoderFuzzTest {
    private static final TransformPipeline PIPELINE = TransformPipeline.evaluation(3, 32, 32);

    @FuzzTest(maxDuration = "5s")
    void anyBytesEndInPixelsOrAnUnreadableImage(byte[] input) {
        try {
            DecodedImage image = ImageDecoder.decode(input);
            PIPELINE.apply(image, new SplittableRandom(0), new float[PIPELINE.itemSize()], 0);
        } catch (UnreadableImageException expected) {
            if (expected.getMessage() == null || expected.getMessage().contains("\n")) {
                throw new AssertionError("an unreadable image must be said in one line: " + expected.getMessage());
            }
        }
    }
}
