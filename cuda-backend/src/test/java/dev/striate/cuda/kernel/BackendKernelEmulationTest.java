package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.backend.TensorRole;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend's own kernels (optimizer.cu, topk.cu, elementwise.cu) computed on the host, launched as their headers
 * document, against the reference backend: every update rule over three steps on two parameters of one launch table
 * (weight decay per row), Σx² and zeroing over a table of tensors, top-k with ties, and scaling.
 */
class BackendKernelEmulationTest {
    private static final int[] SIZES = {5, 3};
    private static final double LEARNING_RATE = 0.1;
    private static final int STEPS = 3;

    private final CpuBackend cpu = new CpuBackend();
    /** Reference results by label; a label is two words, as the emulation prints it. */
    private final Map<String, double[]> expected = new LinkedHashMap<>();
    /** What each label stands for, for the test names. */
    private final Map<String, String> descriptions = new HashMap<>();
    private final HostProgram program = new HostProgram();

    @TestFactory
    Stream<DynamicTest> backendKernelsMatchTheReference(@TempDir Path work) throws Exception {
        assumeTrue(HostProgram.gppAvailable(), "skipped: no g++ on the PATH to build the host emulation with");
        List<UpdateRule> rules = List.of(new UpdateRule.Sgd(0, 0, false, 0.01), new UpdateRule.Sgd(0.9, 0.1, false, 0),
                new UpdateRule.Sgd(0.9, 0, true, 0.01), new UpdateRule.Adam(0.9, 0.999, 1e-8, 0.01, false),
                new UpdateRule.Adam(0.9, 0.999, 1e-8, 0.01, true), new UpdateRule.RmsProp(0.99, 1e-8, 0, 0.01),
                new UpdateRule.RmsProp(0.99, 1e-8, 0.5, 0), new UpdateRule.AdaGrad(1e-10, 0.01));
        for (int r = 0; r < rules.size(); r++) {
            update(rules.get(r), "rule" + r);
        }
        gradientTables();
        topK();
        scale();
        Map<String, double[]> emulated = program.buildAndRun(work);
        return expected.entrySet().stream().map(e -> DynamicTest.dynamicTest(
                descriptions.getOrDefault(e.getKey(), e.getKey()),
                () -> EmulationValues.assertClose(e.getKey(), e.getValue(), emulated.get(e.getKey()))));
    }

    /** Two parameters in one table, the second without weight decay, as the backend groups them. */
    private void update(UpdateRule rule, String label) {
        FakeDevice device = new FakeDevice();
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        List<Object> table = new ArrayList<>();
        List<Tensor> params = new ArrayList<>();
        long start = 0;
        for (int p = 0; p < SIZES.length; p++) {
            UpdateRule ruleOfRow = p == 0 ? rule : rule.withoutWeightDecay();
            float[] values = EmulationValues.wave(SIZES[p], 0.37, p, 2);
            float[] gradient = EmulationValues.wave(SIZES[p], 0.23, 1 + p, 1);
            Tensor param = device.allocate(Shape.of(SIZES[p]), DType.F32);
            Tensor grad = device.allocate(Shape.of(SIZES[p]), DType.F32);
            initial.put(param, EmulationValues.toDoubles(values));
            initial.put(grad, EmulationValues.toDoubles(gradient));
            List<Object> state = new ArrayList<>(List.of(0L, 0L));
            for (int slot = 0; slot < rule.stateSlots(); slot++) {
                state.set(slot, device.allocate(Shape.of(SIZES[p]), DType.F32));
            }
            table.addAll(List.of(param, grad, state.get(0), state.get(1), start, (long) SIZES[p],
                    Double.doubleToRawLongBits(ruleOfRow.weightDecay())));
            start += SIZES[p];
            params.add(param);
            expected.put(label + " param" + p, reference(ruleOfRow, values, gradient));
            descriptions.put(label + " param" + p, ruleOfRow + ", parameter " + p);
        }
        Tensor deviceTable = device.allocate(Shape.of(table.size()), DType.I64);
        List<RecordingCudaContext.Launch> launches = new ArrayList<>();
        for (int step = 1; step <= STEPS; step++) {
            launches.add(new RecordingCudaContext.Launch("optimizer", DType.F32, kernel(rule), 1, Launcher.THREADS,
                    arguments(rule, deviceTable, start, step)));
        }
        Map<String, Tensor> printed = new LinkedHashMap<>();
        for (int p = 0; p < params.size(); p++) {
            printed.put(label + " param" + p, params.get(p));
        }
        program.scenario(device, initial, Map.of(deviceTable, table), launches, printed);
    }

    private static String kernel(UpdateRule rule) {
        return switch (rule) {
            case UpdateRule.Sgd sgd -> "sgd_update";
            case UpdateRule.Adam adam -> "adam_update";
            case UpdateRule.RmsProp rmsProp -> "rmsprop_update";
            case UpdateRule.AdaGrad adaGrad -> "adagrad_update";
        };
    }

    /** The launch arguments documented at the top of optimizer.cu. */
    private static List<Object> arguments(UpdateRule rule, Tensor table, long total, int step) {
        List<Object> arguments = new ArrayList<>(List.of(table, SIZES.length, total, LEARNING_RATE));
        switch (rule) {
            case UpdateRule.Sgd sgd -> arguments.addAll(List.of(sgd.momentum(), sgd.dampening(),
                    sgd.nesterov() ? 1 : 0, step == 1 ? 1 : 0));
            case UpdateRule.Adam adam -> arguments.addAll(List.of(adam.beta1(), adam.beta2(), adam.eps(),
                    1 - Math.pow(adam.beta1(), step), 1 - Math.pow(adam.beta2(), step), adam.decoupled() ? 1 : 0));
            case UpdateRule.RmsProp rms -> arguments.addAll(List.of(rms.alpha(), rms.eps(), rms.momentum()));
            case UpdateRule.AdaGrad adaGrad -> arguments.add(adaGrad.eps());
        }
        return arguments;
    }

    private double[] reference(UpdateRule rule, float[] values, float[] gradient) {
        Tensor param = cpu.allocate(Shape.of(values.length), DType.F32, TensorRole.PARAMETER);
        Tensor grad = cpu.allocate(Shape.of(values.length), DType.F32, TensorRole.PARAMETER_GRADIENT);
        cpu.write(param, values);
        cpu.write(grad, gradient);
        List<Tensor> state = new ArrayList<>();
        for (int slot = 0; slot < rule.stateSlots(); slot++) {
            state.add(cpu.allocate(Shape.of(values.length), DType.F32, TensorRole.OPTIMIZER_STATE));
        }
        for (int step = 1; step <= STEPS; step++) {
            cpu.applyUpdate(rule, LEARNING_RATE, step, param, grad, state);
        }
        return cpu.read(param);
    }

    /**
     * Σx² over three tensors (1,000, 1 and 300 elements) of one gradient table, three blocks of 256 threads adding
     * into one double; and the same three zeroed in one launch, a fourth tensor not in the table left as it was.
     */
    private void gradientTables() {
        FakeDevice device = new FakeDevice();
        int[] sizes = {1000, 1, 300};
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        List<Object> table = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        double sum = 0;
        long start = 0;
        for (int t = 0; t < sizes.length; t++) {
            float[] values = EmulationValues.wave(sizes[t], 0.37, 0.1 + t, 3);
            Tensor tensor = device.allocate(Shape.of(sizes[t]), DType.F32);
            initial.put(tensor, EmulationValues.toDoubles(values));
            for (float v : values) {
                sum += (double) v * v;
            }
            table.addAll(List.of(0L, tensor, 0L, 0L, start, (long) sizes[t], 0L));
            tensors.add(tensor);
            start += sizes[t];
        }
        float[] other = EmulationValues.wave(4, 0.37, 5, 1);
        Tensor untouched = device.allocate(Shape.of(other.length), DType.F32);
        initial.put(untouched, EmulationValues.toDoubles(other));
        Tensor out = device.allocate(Shape.of(1), DType.F64);
        Tensor deviceTable = device.allocate(Shape.of(table.size()), DType.I64);
        expected.put("sum_of_squares out", new double[] {sum});
        descriptions.put("sum_of_squares out", "gradient_sum_of_squares over a table of three tensors");
        Map<String, Tensor> printed = new LinkedHashMap<>();
        printed.put("sum_of_squares out", out);
        for (int t = 0; t < sizes.length; t++) {
            expected.put("zeroed tensor" + t, new double[sizes[t]]);
            descriptions.put("zeroed tensor" + t, "zero_gradients, tensor " + t + " of the table");
            printed.put("zeroed tensor" + t, tensors.get(t));
        }
        expected.put("zeroed untouched", EmulationValues.toDoubles(other));
        descriptions.put("zeroed untouched", "zero_gradients leaves a tensor outside the table as it was");
        printed.put("zeroed untouched", untouched);
        program.scenario(device, initial, Map.of(deviceTable, table), List.of(
                new RecordingCudaContext.Launch("optimizer", DType.F32, "gradient_sum_of_squares", 3,
                        Launcher.THREADS, List.of(deviceTable, sizes.length, start, out)),
                new RecordingCudaContext.Launch("optimizer", DType.F32, "zero_gradients", 2, Launcher.THREADS,
                        List.of(deviceTable, sizes.length, start))), printed);
    }

    /** Rows with ties and a negative row; the reference's order decides. */
    private void topK() {
        double[] scores = {1, 5, 5, 2, 9, 0, 3, 3, 3, 3, 3, 3, -1, -2, 7, 7, -3, 8};
        Tensor reference = cpu.allocate(Shape.of(3, 6), DType.F32, TensorRole.ACTIVATION);
        cpu.write(reference, scores);
        int[] indices = cpu.topK(reference, 3);
        expected.put("top_k indices", java.util.Arrays.stream(indices).asDoubleStream().toArray());
        FakeDevice device = new FakeDevice();
        Tensor deviceScores = device.allocate(Shape.of(3, 6), DType.F32);
        Tensor out = device.allocate(Shape.of(9), DType.I32);
        program.scenario(device, Map.of(deviceScores, scores), List.of(new RecordingCudaContext.Launch("topk",
                DType.F32, "top_k", 1, 128, List.of(deviceScores, 3, 6, 3, out))), Map.of("top_k indices", out));
    }

    private void scale() {
        FakeDevice device = new FakeDevice();
        float[] values = EmulationValues.wave(300, 0.37, 0.1, 3);
        Tensor x = device.allocate(Shape.of(values.length), DType.F32);
        double[] scaled = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            scaled[i] = values[i] * 0.25;
        }
        expected.put("scale_f32 x", scaled);
        Map<Tensor, double[]> initial = new HashMap<>();
        initial.put(x, EmulationValues.toDoubles(values));
        program.scenario(device, initial, List.of(new RecordingCudaContext.Launch("elementwise", DType.F32,
                "scale_f32", 2, Launcher.THREADS, List.of(x, (long) values.length, 0.25f))), Map.of("scale_f32 x", x));
    }
}
