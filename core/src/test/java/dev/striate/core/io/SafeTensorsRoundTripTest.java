package dev.striate.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {
    @TempDir
    Path dir;

    /** Values every dtype holds exactly, so that what comes back must be bit for bit what went in. */
    private static double[] representable(DType dtype, int count, SplittableRandom random) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            double x = random.nextGaussian() * 10;
            values[i] = switch (dtype) {
                case F64 -> x;
                case F32 -> (float) x;
                case F16 -> HalfPrecision.fromF16Bits((short) random.nextInt(0x7C00)) * (i % 2 == 0 ? 1 : -1);
                case BF16 -> HalfPrecision.fromBf16Bits((short) random.nextInt(0x7F80)) * (i % 2 == 0 ? 1 : -1);
                case I32 -> random.nextInt();
                case I64 -> random.nextLong(-(1L << 53), 1L << 53);
            };
        }
        return values;
    }

    @Test
    void everyDtypeComesBackIdentical() {
        SplittableRandom random = new SplittableRandom(42);
        Map<String, HostTensor> written = new LinkedHashMap<>();
        for (DType dtype : DType.values()) {
            written.put("layer." + dtype.name().toLowerCase() + ".weight",
                    new HostTensor(dtype, Shape.of(3, 5, 7), representable(dtype, 105, random)));
        }
        written.put("bn.num_batches_tracked", new HostTensor(DType.I64, Shape.scalar(), new double[] {1234}));
        written.put("empty", new HostTensor(DType.F32, Shape.of(0, 4), new double[0]));
        written.put("special", new HostTensor(DType.F32, Shape.of(4),
                new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.NaN}));
        written.put("unicode.\u00e9\u00df", new HostTensor(DType.F32, Shape.of(1), new double[] {1}));
        Path file = dir.resolve("model.safetensors");

        SafeTensors.write(file, written, Map.of("format", "pt", "model", "resnet18"));
        LinkedHashMap<String, HostTensor> read = SafeTensors.read(file);

        assertEquals(List.copyOf(written.keySet()), List.copyOf(read.keySet()));
        written.forEach((name, tensor) -> assertEquals(tensor, read.get(name), name));
        assertEquals(Map.of("format", "pt", "model", "resnet18"), SafeTensors.readMetadata(file));
    }

    @Test
    void floatValuesAreRoundedToTheDtypeTheyAreWrittenAs() {
        double third = 1.0 / 3;
        Map<String, HostTensor> written = Map.of(
                "f32", new HostTensor(DType.F32, Shape.of(1), new double[] {third}),
                "f16", new HostTensor(DType.F16, Shape.of(1), new double[] {third}),
                "bf16", new HostTensor(DType.BF16, Shape.of(1), new double[] {third}));
        Path file = dir.resolve("rounded.safetensors");

        SafeTensors.write(file, written, null);
        Map<String, HostTensor> read = SafeTensors.read(file);

        assertEquals((float) third, read.get("f32").values()[0], 0);
        assertEquals(0x1.554p-2, read.get("f16").values()[0], 0);    // 0x3555: 1/3 to 11 significant bits
        assertEquals(0x1.56p-2, read.get("bf16").values()[0], 0);    // 0x3EAB: 1/3 to 8 significant bits
    }

    @Test
    void headerIsPaddedSoTheDataIsAlignedAndNoTemporaryFileIsLeft() throws IOException {
        Path file = dir.resolve("aligned.safetensors");
        for (int length = 1; length <= 9; length++) {
            String name = "x".repeat(length);
            SafeTensors.write(file, Map.of(name, new HostTensor(DType.F64, Shape.of(1), new double[] {length})),
                    Map.of());
            byte[] bytes = Files.readAllBytes(file);
            long headerLength = (bytes[0] & 0xFF) | (bytes[1] & 0xFF) << 8;
            assertEquals(0, (8 + headerLength) % 8, "header of " + name);
            assertEquals(length, SafeTensors.read(file).get(name).values()[0], 0, "overwritten each time");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void writingIntoAMissingFolderNamesTheFile() {
        Path file = dir.resolve("no-such-folder").resolve("w.safetensors");
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.write(file,
                Map.of("a", new HostTensor(DType.F32, Shape.of(1), new double[] {1})), Map.of()));
        assertTrue(e.getMessage().startsWith(file + ": cannot be written"), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void integerDtypesRefuseFractions() {
        Path file = dir.resolve("fraction.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file,
                Map.of("count", new HostTensor(DType.I64, Shape.of(2), new double[] {1, 2.5})), Map.of()));
        assertTrue(e.getMessage().contains("'count' element 1 is 2.5"), e.getMessage());
        assertTrue(Files.notExists(file));
    }
}
