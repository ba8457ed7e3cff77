package dev.striate.core.io;

import static dev.striate.core.io.HandMadeFiles.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a file can be malformed is one line that names the file and the fault. */
class SafeTensorsMalformedTest {
    @TempDir
    Path dir;

    /** Eight bytes of data: two F32 values. */
    private static final int[] EIGHT_BYTES = {0, 0, 0x80, 0x3F, 0, 0, 0, 0x40};

    private static void assertFault(Path file, String... phrases) {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(file));
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ": "), "names the file: " + message);
        assertEquals(1, message.lines().count(), "one line: " + message);
        for (String phrase : phrases) {
            assertTrue(message.contains(phrase), "says '" + phrase + "': " + message);
        }
        assertTrue(UserException.class.isInstance(e));
    }

    private Path file(String header, int... data) {
        return HandMadeFiles.file(dir, "weights.safetensors", header, data);
    }

    private Path file(byte[] contents) {
        return HandMadeFiles.file(dir, "weights.safetensors", contents);
    }

    @Test
    void emptyAndMissingFilesAndFolders() {
        assertFault(file(new byte[0]), "empty (0 bytes)");
        assertFault(dir.resolve("absent.safetensors"), "no such file");
        assertFault(dir, "is a directory");
    }

    @Test
    void truncatedFiles() {
        byte[] whole = HandMadeFiles.bytes("{" + entry("a", "F32", "[2]", 0, 8) + "}", EIGHT_BYTES);
        assertFault(file(Arrays.copyOf(whole, 5)), "only 5 bytes", "truncated");
        assertFault(file(Arrays.copyOf(whole, 20)), "header length 54 runs past the end of the file",
                "20 bytes", "truncated");
        assertFault(file(Arrays.copyOf(whole, whole.length - 3)), "tensor 'a' data_offsets [0, 8] run past the end"
                + " of the data, which holds 5 bytes", "truncated");
    }

    @Test
    void headerLengthOverTheLimit() {
        byte[] bytes = HandMadeFiles.bytes("{}");
        long tooLong = 100_000_001;
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (tooLong >>> (8 * i));
        }
        assertFault(file(bytes), "header length 100000001 is over the 100 MB limit");
        Arrays.fill(bytes, 0, 8, (byte) 0xFF);
        assertFault(file(bytes), "header length 18446744073709551615 is over the 100 MB limit");
    }

    @Test
    void headersThatAreNotAJsonObject() {
        assertFault(file("{\"a\": nonsense}"), "not valid JSON", "line 1, column");
        assertFault(file("[1, 2]  "), "does not start with '{'");
        assertFault(file("        "), "header is empty");
        assertFault(file("{} {}   "), "more after its JSON object", "only whitespace");
        assertFault(file(HandMadeFiles.bytes("{\"\u00e9\":1}")), "must be described by a JSON object");
        byte[] badUtf8 = HandMadeFiles.bytes("{\"a\":1}");
        badUtf8[10] = (byte) 0xC3;
        assertFault(file(badUtf8), "not valid UTF-8");
    }

    @Test
    void duplicateNames() {
        assertFault(file("{" + entry("fc.bias", "F32", "[1]", 0, 4) + "," + entry("fc.bias", "F32", "[1]", 4, 8)
                + "}", EIGHT_BYTES), "names tensor 'fc.bias' twice");
        assertFault(file("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                EIGHT_BYTES), "entry 'a'", "key 'dtype' twice");
    }

    @Test
    void offsetsThatOverlapLeaveGapsOrRunOut() {
        int[] twelve = Arrays.copyOf(EIGHT_BYTES, 12);
        assertFault(file("{" + entry("fc.weight", "F32", "[2]", 0, 8) + "," + entry("fc.bias", "F32", "[2]", 4, 12)
                + "}", twelve), "tensor 'fc.bias' data_offsets [4, 12] overlap the previous tensor 'fc.weight'");
        assertFault(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}",
                twelve), "tensor 'b' data_offsets [8, 12] leave a gap: bytes 4 to 8");
        assertFault(file("{" + entry("a", "F32", "[1]", 4, 8) + "}", EIGHT_BYTES),
                "tensor 'a' data_offsets [4, 8] leave a gap: bytes 0 to 4");
        assertFault(file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 8, 16) + "}",
                twelve), "tensor 'b' data_offsets [8, 16] run past the end of the data, which holds 12 bytes");
        assertFault(file("{" + entry("a", "F32", "[0]", 8, 0) + "}", EIGHT_BYTES), "end before they begin");
        assertFault(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", EIGHT_BYTES),
                "tensor 'a' needs data_offsets");
        assertFault(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,-8]}}", EIGHT_BYTES),
                "tensor 'a' data_offsets must hold whole numbers");
    }

    @Test
    void bufferNotCovered() {
        assertFault(file("{" + entry("a", "F32", "[1]", 0, 4) + "}", EIGHT_BYTES),
                "the tensors cover 4 bytes of data, but the file holds 8", "4 bytes at the end belong to no tensor");
    }

    @Test
    void shapeThatDoesNotMatchTheByteCount() {
        assertFault(file("{" + entry("conv1.weight", "F32", "[3]", 0, 8) + "}", EIGHT_BYTES),
                "tensor 'conv1.weight' data_offsets [0, 8] hold 8 bytes, but F32 of shape [3] takes 12");
        assertFault(file("{" + entry("a", "F32", "[2,-1]", 0, 8) + "}", EIGHT_BYTES), "tensor 'a' shape must hold"
                + " whole numbers", "-1");
        assertFault(file("{" + entry("a", "F32", "[2.0]", 0, 8) + "}", EIGHT_BYTES), "tensor 'a' shape");
        assertFault(file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", EIGHT_BYTES), "no shape array");
        assertFault(file("{" + entry("a", "F32", "[65536,65536,65536]", 0, 8) + "}", EIGHT_BYTES),
                "more elements than one tensor may hold");
    }

    @Test
    void unknownAndUnsupportedDtypes() {
        assertFault(file("{" + entry("a", "F33", "[2]", 0, 8) + "}", EIGHT_BYTES), "tensor 'a' has unknown dtype"
                + " 'F33'", "BF16");
        assertFault(file("{" + entry("a", "U8", "[8]", 0, 8) + "}", EIGHT_BYTES), "tensor 'a' has dtype U8, which"
                + " Striate does not read");
        assertFault(file("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", EIGHT_BYTES), "tensor 'a' has no dtype");
    }

    @Test
    void badMetadata() {
        assertFault(file("{\"__metadata__\":{\"epoch\":3}}"), "__metadata__ value 'epoch' must be a string");
        assertFault(file("{\"__metadata__\":[]}     "), "__metadata__ must be a JSON object");
    }

    @Test
    void integersBeyondWhatADoubleHoldsExactly() {
        assertFault(file("{" + entry("n", "I64", "[]", 0, 8) + "}", 1, 0, 0, 0, 0, 0, 0x20, 0),
                "tensor 'n' element 0 is 9007199254740993");
    }

    @Test
    void lookalikes() {
        byte[] lfs = ("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 46830571\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertFault(file(lfs), "git-lfs pointer", "git lfs pull");
        assertFault(file(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0}), "zip archive", "never reads pickled");
        assertFault(file(new byte[] {(byte) 0x80, 2, 'c', '_', '_', 'b', 'u', 'i'}), "Python pickle");
    }
}
