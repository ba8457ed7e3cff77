package dev.striate.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files whose every byte is written out here by hand, per the format's specification. */
class SafeTensorsKnownBytesTest {
    @TempDir
    Path dir;

    @Test
    void readsAHandWrittenFile() {
        // The header lists w before n, but n's data comes first; metadata first; padded with three spaces.
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[8,16]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[16,20]},"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[20,24]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[24,32]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[32,36]}}   ";
        Path file = HandMadeFiles.file(dir, "known.safetensors", header,
                0x07, 0, 0, 0, 0, 0, 0, 0,            // n = 7 (I64)
                0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38, 0xFF, 0x7B,   // w = 1, -2, 0.5, 65504 (F16)
                0x80, 0x3F, 0xA0, 0xC0,               // b = 1, -5 (BF16)
                0x00, 0x00, 0xC0, 0x3F,               // f = 1.5 (F32 0x3FC00000)
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xD0, 0xBF,   // d = -0.25 (F64 0xBFD0000000000000)
                0xFE, 0xFF, 0xFF, 0xFF);              // i = -2 (I32)

        LinkedHashMap<String, HostTensor> tensors = SafeTensors.read(file);

        assertEquals(List.of("w", "n", "b", "f", "d", "i"), List.copyOf(tensors.keySet()), "header order");
        assertEquals(new HostTensor(DType.F16, Shape.of(2, 2), new double[] {1, -2, 0.5, 65504}), tensors.get("w"));
        assertEquals(new HostTensor(DType.I64, Shape.scalar(), new double[] {7}), tensors.get("n"));
        assertEquals(new HostTensor(DType.BF16, Shape.of(2), new double[] {1, -5}), tensors.get("b"));
        assertEquals(new HostTensor(DType.F32, Shape.of(1), new double[] {1.5}), tensors.get("f"));
        assertEquals(new HostTensor(DType.F64, Shape.of(1), new double[] {-0.25}), tensors.get("d"));
        assertEquals(new HostTensor(DType.I32, Shape.of(1), new double[] {-2}), tensors.get("i"));
        assertEquals(Map.of("format", "pt"), SafeTensors.readMetadata(file));
    }

    @Test
    void acceptsAnyWhitespaceAfterTheHeaderAndAnEmptyFileOfTensors() {
        Path padded = HandMadeFiles.file(dir, "padded.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} \t\r\n      ",
                0x00, 0x00, 0x80, 0xBF);              // -1.0f
        assertEquals(new HostTensor(DType.F32, Shape.of(1), new double[] {-1}), SafeTensors.read(padded).get("a"));

        Path empty = HandMadeFiles.file(dir, "none.safetensors", "{}      ");
        assertEquals(0, SafeTensors.read(empty).size());
    }

    @Test
    void writesExactlyTheExpectedBytes() throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("a", new HostTensor(DType.F32, Shape.of(2), new double[] {1, -2}));
        tensors.put("n", new HostTensor(DType.I64, Shape.scalar(), new double[] {3}));
        tensors.put("h", new HostTensor(DType.F16, Shape.of(1), new double[] {-0.5}));
        Path file = dir.resolve("out.safetensors");

        SafeTensors.write(file, tensors, Map.of("format", "pt"));

        // 32 + 53 + 53 + 55 = 193 characters of JSON and 7 spaces: 200 (0xC8), so that 8 + 200 is a multiple of 8.
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[16,18]}}"
                + "       ";
        byte[] expectedLength = {(byte) 0xC8, 0, 0, 0, 0, 0, 0, 0};
        byte[] expectedData = {
            0x00, 0x00, (byte) 0x80, 0x3F,            // 1.0f
            0x00, 0x00, 0x00, (byte) 0xC0,            // -2.0f
            0x03, 0, 0, 0, 0, 0, 0, 0,                // 3L
            0x00, (byte) 0xB8};                       // -0.5 in F16: 0xB800
        byte[] actual = Files.readAllBytes(file);

        assertEquals(8 + 200 + 18, actual.length);
        assertArrayEquals(expectedLength, Arrays.copyOfRange(actual, 0, 8));
        assertEquals(json, new String(actual, 8, 200, StandardCharsets.UTF_8));
        assertArrayEquals(expectedData, Arrays.copyOfRange(actual, 208, actual.length));
    }
}
