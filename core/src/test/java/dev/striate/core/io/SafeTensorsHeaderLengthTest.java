package dev.striate.core.io;

import static dev.striate.core.io.HandMadeFiles.entry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A well-formed file is read whatever its header length, even when the length's first bytes look like another
 * format's magic: 640, 896, 1152 and 1408 bytes start with 0x80 0x02..0x05, a pickle's opcode and protocol, and a
 * run whose class names made an 896-byte header once had its own checkpoint refused as "a Python pickle".
 */
class SafeTensorsHeaderLengthTest {
    private static final int LONGEST_HEADER = 4096;

    @TempDir
    Path dir;

    @Test
    void everyHeaderLengthOfAHandMadeFileReads() {
        String tensor = "{" + entry("w", "F32", "[2]", 0, 8) + "}";
        for (int length = 2; length <= LONGEST_HEADER; length++) {
            boolean withTensor = length >= tensor.length();
            String header = withTensor ? tensor : "{}";
            int[] data = withTensor ? new int[] {0, 0, 0x80, 0x3F, 0, 0, 0, 0x40} : new int[0];
            Path file = HandMadeFiles.file(dir, "w.safetensors", header + " ".repeat(length - header.length()), data);
            Map<String, HostTensor> read = SafeTensors.read(file);
            if (withTensor) {
                assertArrayEquals(new double[] {1, 2}, read.get("w").values(), 0, "header of " + length + " bytes");
            } else {
                assertEquals(0, read.size(), "header of " + length + " bytes");
            }
        }
    }

    @Test
    void filesOfEveryWrittenHeaderLengthReadBack() {
        for (int nameLength = 1; nameLength <= LONGEST_HEADER - 64; nameLength++) {
            String name = "n".repeat(nameLength);
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            tensors.put(name, new HostTensor(DType.F32, Shape.of(1), new double[] {0.5}));
            Path file = dir.resolve("run.safetensors");
            SafeTensors.write(file, tensors, Map.of());
            assertArrayEquals(new double[] {0.5}, SafeTensors.read(file).get(name).values(), 0,
                    "name of " + nameLength + " characters");
        }
    }
}
