package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.RunContext;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Sigmoid;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backend that stores some values in another type than the graph declares ({@code Backend.storedType}, as a bf16
 * backend does): both executors allocate values and gradients in it, show it to kernels, and convert an fp32 graph
 * input once per forward into the copy that nodes read.
 */
class StoredTypeTest {
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void valuesGradientsAndSignaturesHaveTheStoredTypeAndInputsAreConvertedEveryForward(boolean planned) {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", Shape.of(2));
        builder.add("relu", new Relu(), "x");
        builder.add("loss", new Sigmoid(), "relu");
        Graph graph = builder.build();
        NarrowingBackend backend = new NarrowingBackend();
        Function<ParameterStore, Executor> compile = store -> planned
                ? backend.compile(graph, store, PlanRequest.backward("loss", List.of("loss")))
                : backend.compile(graph, store);
        try (ParameterStore store = ParameterStore.initialize(graph, backend, 1);
             Executor executor = compile.apply(store)) {
            executor.requireInputGradient("x");
            // 1 + 2^-8 lies halfway between the bf16 neighbours 1 and 1 + 2^-7: rounding to even gives 1.
            executor.feed("x", new float[] {1.00390625f, -2f});
            executor.forward(RunContext.training(1, 0));
            executor.backward("loss", new double[] {1, 1});
            // relu read the converted input: sigmoid(1) = 0.7310585786, sigmoid(0) = 1/2.
            assertArrayEquals(new double[] {0.7310585786300049, 0.5}, executor.read("loss"), 1e-12);
            // With output gradient 1 each: d sigmoid / dx at 1 = s(1 - s) = 0.1966119332; 0 where relu is flat.
            assertArrayEquals(new double[] {0.19661193324148185, 0}, executor.inputGradient("x"), 1e-12);

            executor.feed("x", new float[] {3f, 1f});
            executor.forward(RunContext.training(1, 1));
            assertArrayEquals(new double[] {0.9525741268224334, 0.7310585786300049}, executor.read("loss"), 1e-12);
        }
        assertEquals(2, backend.conversions, "one conversion of x per forward");
        assertEquals(List.of("relu reads [BF16] makes BF16", "loss reads [BF16] makes F32"), backend.signatures.stream()
                .map(s -> s.nodeName() + " reads " + s.inputTypes() + " makes " + s.outputType()).toList());
        assertEquals(List.of(DType.BF16, DType.F32), backend.activationTypes.subList(0, 2), "relu's, then loss's");
        assertEquals(List.of(DType.BF16), backend.inputCopies);
        // The gradients of loss (F32), relu and x (BF16), each allocated once.
        assertEquals(List.of(DType.F32, DType.BF16, DType.BF16), backend.gradientTypes.stream().sorted().toList());
    }

    /**
     * Keeps F32 values in BF16 except the sigmoid's (standing for the loss), and rounds to bf16 when converting.
     * The reference kernels compute in float64 whatever the type: what is checked is who allocates what.
     */
    private static final class NarrowingBackend extends SignatureRecordingBackend {
        final List<DType> inputCopies = new ArrayList<>();
        final List<DType> gradientTypes = new ArrayList<>();
        final List<DType> activationTypes = new ArrayList<>();
        int conversions;

        @Override
        public DType storedType(DType declared, Op producer) {
            return declared == DType.F32 && !(producer instanceof Sigmoid) ? DType.BF16 : declared;
        }

        @Override
        public void convert(Tensor source, Tensor destination) {
            conversions++;
            double[] values = read(source);
            for (int i = 0; i < values.length; i++) {
                values[i] = Math.scalb(Math.rint(Math.scalb(values[i], 7 - Math.getExponent(values[i]))),
                        Math.getExponent(values[i]) - 7);
            }
            write(destination, values);
        }

        @Override
        public Tensor allocate(Shape shape, DType dtype, TensorRole role) {
            record(dtype, role);
            return super.allocate(shape, dtype, role);
        }

        @Override
        public Tensor allocateUninitialized(Shape shape, DType dtype, TensorRole role) {
            record(dtype, role);
            return super.allocate(shape, dtype, role);
        }

        private void record(DType dtype, TensorRole role) {
            switch (role) {
                case INPUT -> {
                    if (dtype != DType.F32) {
                        inputCopies.add(dtype);
                    }
                }
                case ACTIVATION_GRADIENT -> gradientTypes.add(dtype);
                case ACTIVATION -> activationTypes.add(dtype);
                default -> {
                }
            }
        }
    }
}
