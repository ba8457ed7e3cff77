package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.SafeTensors;
import dev.striate.core.io.SafeTensorsException;
import dev.striate.core.io.StateDicts;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.GlobalAvgPool;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Relu;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving a model's state and loading it into another, on the reference backend. */
class StateDictsTest {
    private static final Shape INPUT = Shape.of(2, 3, 6, 6);

    @TempDir
    Path dir;

    private final CpuBackend backend = new CpuBackend();

    /** conv (no bias, as before batch norm) → batch norm → ReLU → global pool → flatten → linear. */
    private static Graph graph() {
        GraphBuilder b = new GraphBuilder();
        b.input("x", INPUT);
        b.add("conv1", Conv2d.of(4, 3, 1, 1).withBias(false), "x");
        b.add("bn1", BatchNorm.standard(), "conv1");
        b.add("relu", new Relu(), "bn1");
        b.add("pool", new GlobalAvgPool(), "relu");
        b.add("flatten", new Flatten(), "pool");
        b.add("fc", Linear.of(5), "flatten");
        return b.build();
    }

    private ParameterStore store(long seed) {
        return ParameterStore.initialize(graph(), backend, seed);
    }

    private double[] evaluate(ParameterStore store, double[] input) {
        try (Executor executor = backend.compile(graph(), store)) {
            executor.feed("x", input);
            executor.forward(RunContext.evaluation());
            return executor.read("fc");
        }
    }

    @Test
    void captureListsEveryParameterAndBufferWithItsDtype() {
        try (ParameterStore store = store(1)) {
            LinkedHashMap<String, HostTensor> state = StateDicts.capture(store);
            assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                    "bn1.num_batches_tracked", "fc.weight", "fc.bias"), List.copyOf(state.keySet()));
            assertEquals(Shape.of(4, 3, 3, 3), state.get("conv1.weight").shape());
            assertEquals(DType.F32, state.get("bn1.running_var").dtype());
            assertEquals(new HostTensor(DType.I64, Shape.scalar(), new double[] {0}),
                    state.get("bn1.num_batches_tracked"));
        }
    }

    @Test
    void savedStateLoadsIntoAFreshModelAndGivesTheSameOutputs() {
        Path file = dir.resolve("tiny.safetensors");
        double[] input = new SplittableRandom(3).doubles(INPUT.size(), -1, 1).toArray();
        try (ParameterStore trained = store(1); ParameterStore fresh = store(2)) {
            trained.write("bn1.running_mean", new double[] {0.5, -0.25, 0.125, 1});
            trained.write("bn1.running_var", new double[] {2, 0.5, 1.5, 4});
            trained.write("bn1.num_batches_tracked", new double[] {17});
            StateDicts.saveFile(trained, file, Map.of("model", "tiny"));

            StateDicts.loadFile(fresh, file, "tiny");

            LinkedHashMap<String, HostTensor> onDisk = SafeTensors.read(file);
            assertEquals(DType.I64, onDisk.get("bn1.num_batches_tracked").dtype());
            assertEquals(Map.of("format", "pt", "model", "tiny"), SafeTensors.readMetadata(file));
            assertEquals(onDisk, StateDicts.capture(fresh), "every value landed, as stored (F32)");
            // The file holds F32, the trained model doubles: outputs agree to F32's precision.
            double[] expected = evaluate(trained, input);
            double[] actual = evaluate(fresh, input);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5 * (1 + Math.abs(expected[i])), "output " + i);
            }
        }
    }

    @Test
    void everyMismatchIsReportedAtOnceAndNothingIsLoaded() {
        try (ParameterStore store = store(1)) {
            LinkedHashMap<String, HostTensor> before = StateDicts.capture(store);
            Map<String, HostTensor> tensors = new LinkedHashMap<>(before);
            tensors.put("bn1.weight", new HostTensor(DType.F32, Shape.of(4), new double[] {7, 7, 7, 7}));
            tensors.remove("fc.bias");
            tensors.put("head.weight", new HostTensor(DType.F32, Shape.of(1), new double[] {1}));
            tensors.put("conv1.weight", new HostTensor(DType.F32, Shape.of(4, 3, 1, 1), new double[12]));
            tensors.put("bn1.num_batches_tracked", new HostTensor(DType.F32, Shape.scalar(), new double[] {1}));

            UserException e = assertThrows(UserException.class,
                    () -> StateDicts.load(store, tensors, "weights.safetensors", "tiny"));

            assertEquals("weights.safetensors does not fit model tiny: missing fc.bias; unexpected head.weight;"
                    + " conv1.weight is [4, 3, 1, 1], model wants [4, 3, 3, 3]; bn1.num_batches_tracked is F32,"
                    + " model wants an integer type (I64, I32)", e.getMessage());
            assertEquals(before, StateDicts.capture(store), "nothing loaded, bn1.weight included");
        }
    }

    @Test
    void aStateDictWithoutBatchesTrackedLoadsAndKeepsTheCount() {
        try (ParameterStore source = store(1); ParameterStore target = store(2)) {
            target.write("bn1.num_batches_tracked", new double[] {3});
            Map<String, HostTensor> tensors = new LinkedHashMap<>(StateDicts.capture(source));
            tensors.remove("bn1.num_batches_tracked");

            StateDicts.load(target, tensors, "old.safetensors", "tiny");

            assertArrayEquals(source.read("bn1.running_var"), target.read("bn1.running_var"), 0);
            assertArrayEquals(new double[] {3}, target.read("bn1.num_batches_tracked"), 0);
        }
    }

    @Test
    void fineTuningKeepsAFreshClassifierWhereTheFileDoesNotFitAndLoadsTheRest() {
        try (ParameterStore source = store(1); ParameterStore target = store(2)) {
            double[] freshBias = target.read("fc.bias");
            Map<String, HostTensor> tensors = new LinkedHashMap<>(StateDicts.capture(source));
            tensors.put("fc.weight", new HostTensor(DType.F32, Shape.of(1000, 4), new double[4000]));
            tensors.remove("fc.bias");

            List<String> fresh = StateDicts.loadExcept(target, tensors, "imagenet.safetensors", "tiny",
                    Set.of("fc.weight", "fc.bias"));

            assertEquals(List.of("fc.weight", "fc.bias"), fresh);
            assertArrayEquals(freshBias, target.read("fc.bias"), 0);
            assertArrayEquals(source.read("conv1.weight"), target.read("conv1.weight"), 0);
            assertArrayEquals(source.read("bn1.running_mean"), target.read("bn1.running_mean"), 0);
        }
    }

    @Test
    void fineTuningStillRefusesAMismatchOutsideTheClassifier() {
        try (ParameterStore source = store(1); ParameterStore target = store(2)) {
            Map<String, HostTensor> tensors = new LinkedHashMap<>(StateDicts.capture(source));
            tensors.put("conv1.weight", new HostTensor(DType.F32, Shape.of(4, 3, 1, 1), new double[12]));

            UserException e = assertThrows(UserException.class, () -> StateDicts.loadExcept(target, tensors, "w",
                    "tiny", Set.of("fc.weight", "fc.bias")));
            assertEquals("w does not fit model tiny: conv1.weight is [4, 3, 1, 1], model wants [4, 3, 3, 3]",
                    e.getMessage());
        }
    }

    @Test
    void longListsOfMismatchesAreCut() {
        try (ParameterStore store = store(1)) {
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < 30; i++) {
                tensors.put("other." + i, new HostTensor(DType.F32, Shape.of(1), new double[] {i}));
            }
            UserException e = assertThrows(UserException.class, () -> StateDicts.load(store, tensors, "x.st"));
            assertTrue(e.getMessage().startsWith("x.st does not fit the model: missing conv1.weight;"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("; and 25 more"), "7 missing (num_batches_tracked may be absent) + 30"
                    + " unexpected, 12 listed: "
                    + e.getMessage());
        }
    }

    @Test
    void halfPrecisionFilesAndInt32CountersAreAccepted() {
        try (ParameterStore store = store(1)) {
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, HostTensor> e : StateDicts.capture(store).entrySet()) {
                HostTensor t = e.getValue();
                double[] eighths = new double[t.values().length];
                for (int i = 0; i < eighths.length; i++) {
                    eighths[i] = (i % 17 - 8) / 8.0;    // exact in F16 and BF16 alike
                }
                DType dtype = t.dtype() == DType.I64 ? DType.I32 : e.getKey().startsWith("fc") ? DType.BF16
                        : DType.F16;
                tensors.put(e.getKey(), new HostTensor(dtype, t.shape(), t.dtype() == DType.I64
                        ? new double[] {5} : eighths));
            }
            Path file = dir.resolve("half.safetensors");
            SafeTensors.write(file, tensors, Map.of());

            StateDicts.loadFile(store, file);

            assertEquals(DType.F16, SafeTensors.read(file).get("conv1.weight").dtype());
            for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
                assertArrayEquals(e.getValue().values(), store.read(e.getKey()), 0, e.getKey());
            }
        }
    }

    @Test
    void aMalformedFileIsOneLineNamingTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("broken.safetensors"), "version https://git-lfs.github.com/spec/v1");
        try (ParameterStore store = store(1)) {
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> StateDicts.loadFile(store, file));
            assertTrue(e.getMessage().startsWith(file + ": is a git-lfs pointer"), e.getMessage());
        }
    }
}
