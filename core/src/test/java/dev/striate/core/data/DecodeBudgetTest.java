package dev.striate.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images cannot exhaust memory: sizes are checked before reading, and decodes share one bound across threads. */
class DecodeBudgetTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** A small real JPEG whose frame header is rewritten to claim {@code width x height}: its data ends early. */
    static byte[] jpegClaiming(int width, int height) {
        byte[] jpeg = TestImages.encode(TestImages.solid(16, 16, 0x336699), "jpeg");
        for (int at = 2; at < jpeg.length; ) {
            int marker = jpeg[at + 1] & 0xFF;
            int length = ((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF);
            if (marker == 0xC0) {
                ByteBuffer.wrap(jpeg).putShort(at + 5, (short) height).putShort(at + 7, (short) width);
                return jpeg;
            }
            at += 2 + length;
        }
        throw new IllegalStateException("no SOF0 in the JPEG writer's output");
    }

    @Test
    void aThreeGibibyteFileIsRefusedBeforeReading() throws IOException {
        Path file = dir.resolve("huge.png");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
            sparse.setLength(3L << 30);
        }
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> ImageDecoder.decode(file));
        assertEquals("a file of 3072 MiB, larger than the 1024 MiB an image file may have", e.getMessage());
    }

    @Test
    void aJpegClaimingMoreThanTheBudgetIsRefusedBeforeDecoding() throws UnreadableImageException {
        byte[] jpeg = jpegClaiming(13000, 13000);
        assertTrue(jpeg.length < 1000, jpeg.length + " bytes");
        EncodedImage image = EncodedImage.of(jpeg);
        assertEquals(13000, image.width());
        // 169 megapixels: under the pixel cap, but 11 bytes a pixel at the peak of a decode is 1773 MiB.
        UnreadableImageException e = assertThrows(UnreadableImageException.class,
                () -> image.decodeWhole(new DecodeBudget(256 * MIB)));
        assertTrue(e.getMessage().startsWith("a JPEG of 13000x13000 pixels needs 1773 MiB to decode, more than the "
                + "256 MiB that images may use at once"), e.getMessage());
    }

    /** Sixteen threads decoding sixteen JPEGs of a claimed 3000x3000 (95 MiB each) within 100 MiB: one at a time. */
    @Test
    void decodesAcrossThreadsStayWithinTheBudget() throws Exception {
        DecodeBudget budget = new DecodeBudget(100 * MIB);
        byte[] jpeg = jpegClaiming(3000, 3000);
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(threads.submit(() -> {
                    UnreadableImageException e = assertThrows(UnreadableImageException.class,
                            () -> EncodedImage.of(jpeg).decodeWhole(budget));
                    return e.getMessage();
                }));
            }
            for (Future<String> result : results) {
                String message = result.get();
                assertTrue(message.startsWith("damaged JPEG") || message.startsWith("corrupt JPEG"), message);
            }
        } finally {
            threads.shutdown();
        }
        long oneImage = EncodedImage.of(jpeg).memoryToDecode(8);
        assertTrue(oneImage > 90 * MIB, oneImage + " bytes");
        assertTrue(budget.peakBytes() <= 100 * MIB && budget.peakBytes() >= oneImage, budget.peakBytes() + " bytes");
    }

    @Test
    void aScaledDecodeReservesOnlyWhatItDecodes() throws UnreadableImageException {
        EncodedImage image = EncodedImage.of(jpegClaiming(4000, 3000));
        long whole = image.memoryToDecode(8);
        long eighth = image.memoryToDecode(1);
        assertEquals(4000L * 3000 * 11, whole - jpegClaiming(4000, 3000).length);
        assertEquals(500L * 375 * 11, eighth - jpegClaiming(4000, 3000).length);
    }
}
