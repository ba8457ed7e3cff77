package dev.striate.core.data;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes given as an image file end in pixels or in an {@link UnreadableImageException} (which the loader counts
 * as a skipped file and predict reports as a user error), never in another exception, nor above the fuzzer's memory
 * and time bounds. Seeds: small JPEG, PNG, GIF and BMP files, damaged ones, and a header that claims 13000x13000.
 * The transform pipeline after decoding is not fuzzed yet: a 65406x1 GIF of 41 bytes makes its resize of the shorter
 * side allocate 85 million pixels (issue 11 bounds the pixels of the image path).
 */
class ImageDecoderFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void anyBytesEndInPixelsOrAnUnreadableImage(byte[] input) {
        try {
            ImageDecoder.decode(input);
        } catch (UnreadableImageException expected) {
            if (expected.getMessage() == null || expected.getMessage().contains("\n")) {
                throw new AssertionError("an unreadable image must be said in one line: " + expected.getMessage());
            }
        }
    }
}
