package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bf16 variant of the kernels' storage ({@code storage.cuh}) and of {@code elementwise.cu}, computed on the host:
 * rounding to nearest with ties to even, NaN and overflow, exact widening, and sums rounded once per store. Every
 * expected value is worked by hand from the bit patterns (bf16 keeps 8 significant bits: between 1 and 2 its step is
 * 2^-7 = 0.0078125).
 */
class StorageEmulationTest {
    private static final double NAN = Double.NaN;

    @Test
    void bf16StorageRoundsToNearestEvenAndSumsRoundOncePerStore(@TempDir Path work) throws Exception {
        assumeTrue(HostProgram.gppAvailable(), "skipped: no g++ on the PATH to build the host emulation with");
        FakeDevice device = new FakeDevice();
        HostProgram program = new HostProgram();
        Map<Tensor, double[]> initial = new HashMap<>();

        double[] floats = {
            1 + 0x1p-8,             // halfway between 1 and 1 + 2^-7: ties to even, 1
            1 + 3 * 0x1p-8,         // halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): 1.015625
            1 + 0x1p-8 + 0x1p-20,   // just above halfway: up, 1.0078125
            -1.5,                   // exact
            0.1,                    // float 0x3dcccccd: kept 0x3dcc, rest 0xcccd above half: 0x3dcd = 0.10009765625
            0x1.fffffep127,         // the largest float rounds past bf16's largest (0x1.fep127): infinity
            NAN,
        };
        Tensor source = device.allocate(Shape.of(floats.length), DType.F32);
        Tensor stored = device.allocate(Shape.of(floats.length), DType.BF16);
        Tensor widened = device.allocate(Shape.of(floats.length), DType.F32);
        initial.put(source, floats);

        // master (fp32) += a bf16 gradient: 0.5 + 1.0078125, exactly representable in float.
        Tensor gradient = device.allocate(Shape.of(1), DType.BF16);
        Tensor master = device.allocate(Shape.of(1), DType.F32);
        initial.put(gradient, new double[] {1.0078125});
        initial.put(master, new double[] {0.5});

        // relu backward in bf16: dx = 1 + dy·1 with dy = 2^-9 is 1 + 2^-9, stored back as 1 (below half a step);
        // with dy = 3·2^-9 it is 1 + 0.005859375, stored as 1.0078125.
        Tensor y = device.allocate(Shape.of(2), DType.BF16);
        Tensor dy = device.allocate(Shape.of(2), DType.BF16);
        Tensor dx = device.allocate(Shape.of(2), DType.BF16);
        initial.put(y, new double[] {2, 2});
        initial.put(dy, new double[] {0x1p-9, 3 * 0x1p-9});
        initial.put(dx, new double[] {1, 1});
        // The same written fresh (accumulate 0) over NaN, as an uninitialized gradient may hold: dx = dy·1 exactly,
        // the NaN never read; y = -1 gives 0.
        Tensor freshY = device.allocate(Shape.of(3), DType.BF16);
        Tensor freshDy = device.allocate(Shape.of(3), DType.BF16);
        Tensor freshDx = device.allocate(Shape.of(3), DType.BF16);
        initial.put(freshY, new double[] {2, 2, -1});
        initial.put(freshDy, new double[] {0x1p-9, 3 * 0x1p-9, 5});
        initial.put(freshDx, new double[] {NAN, NAN, NAN});

        Tensor filled = device.allocate(Shape.of(3), DType.BF16);
        // The float variant of the same source in the same program: copies 1 + 2^-8 without rounding.
        Tensor copied = device.allocate(Shape.of(floats.length), DType.F32);
        long n = floats.length;
        program.scenario(device, initial, List.of(
                launch("cast_f32_to_storage", source, stored, n, 1, 1),
                launch("cast_storage_to_f32", stored, widened, n, 1, 1),
                launch("accumulate_storage_into_f32", gradient, master, 1L, 1, 1),
                launch("relu_backward", y, dy, dx, 2L, 1),
                launch("relu_backward", freshY, freshDy, freshDx, 3L, 0),
                launch("fill_act", filled, 3L, 0.1f),
                new RecordingCudaContext.Launch("elementwise", DType.F32, "copy_act", 1, Launcher.THREADS,
                        List.of(source, copied, n))),
                Map.of("cast stored", stored, "cast widened", widened, "accumulate master", master,
                        "relu dx", dx, "fresh dx", freshDx, "fill bf16", filled, "copy f32", copied));
        Map<String, double[]> emulated = program.buildAndRun(work);

        double[] expected = {1, 1.015625, 1.0078125, -1.5, 0.10009765625, Double.POSITIVE_INFINITY, NAN};
        assertBitsEqual(expected, emulated.get("cast stored"));
        assertBitsEqual(expected, emulated.get("cast widened"));
        assertBitsEqual(new double[] {1.5078125}, emulated.get("accumulate master"));
        assertBitsEqual(new double[] {1, 1.0078125}, emulated.get("relu dx"));
        assertBitsEqual(new double[] {0x1p-9, 3 * 0x1p-9, 0}, emulated.get("fresh dx"));
        assertBitsEqual(new double[] {0.10009765625, 0.10009765625, 0.10009765625}, emulated.get("fill bf16"));
        assertEquals(1 + 0x1p-8, emulated.get("copy f32")[0], 0.0, "the float variant keeps 1 + 2^-8");
    }

    private static RecordingCudaContext.Launch launch(String kernel, Object... arguments) {
        return new RecordingCudaContext.Launch("elementwise", DType.BF16, kernel, 1, Launcher.THREADS,
                List.of(arguments));
    }

    /**
     * These results are exact floats (bf16 values are floats of 8 significant bits), printed with 9 significant
     * digits, which name one float: compared exactly as floats.
     */
    private static void assertBitsEqual(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (Double.isNaN(expected[i])) {
                assertTrue(Double.isNaN(actual[i]), "element " + i + ": expected NaN, got " + actual[i]);
            } else {
                assertEquals((float) expected[i], (float) actual[i], 0.0f, "element " + i);
            }
        }
    }
}
