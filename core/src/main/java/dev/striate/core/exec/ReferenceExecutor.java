package dev.striate.core.exec;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.backend.RunContext;
import dev.striate.core.backend.StagedInput;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.graph.Node;
import dev.striate.core.graph.Parameter;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plain executor: every node's output and gradient has its own tensor for the executor's life, nodes run one by
 * one in graph order, and each kernel call is one node. Kernels are resolved and prepared when the executor is made,
 * so a missing kernel fails before any work. Backends get it from {@link Backend#compile} unless they bring their own.
 */
public final class ReferenceExecutor implements Executor {
    private final Graph graph;
    private final Backend backend;
    private final ParameterStore store;
    private final Map<String, Tensor> values = new HashMap<>();
    /** The graph inputs, each able to take the next batch while the current one is still read. */
    private final Map<String, StagedInput> inputs = new LinkedHashMap<>();
    private final Map<String, Tensor> gradients = new HashMap<>();
    private final Map<String, Kernel<Op>> kernels = new HashMap<>();
    private final Map<String, Object> saved = new HashMap<>();
    private final Map<String, Object> prepared = new HashMap<>();
    private final Map<String, Long> nodeIds = new HashMap<>();
    private final Set<String> inputsNeedingGradient = new HashSet<>();
    private final Map<String, BackwardPlan> plans = new LinkedHashMap<>();
    private RunContext lastForward;

    @SuppressWarnings("unchecked")
    public ReferenceExecutor(Graph graph, Backend backend, ParameterStore store) {
        if (store.backend() != backend) {
            throw new IllegalArgumentException("the parameter store lives on backend '" + store.backend().name()
                    + "', not '" + backend.name() + "'");
        }
        store.requireCompatible(graph);
        this.graph = graph;
        this.backend = backend;
        this.store = store;
        for (GraphInput in : graph.inputs()) {
            StagedInput input = backend.stagedInput(in.shape(), in.dtype());
            inputs.put(in.name(), input);
            values.put(in.name(), input.current());
        }
        for (Node node : graph.nodes()) {
            Kernel<Op> kernel = (Kernel<Op>) backend.kernel(node.op().getClass());
            kernels.put(node.name(), kernel);
            prepared.put(node.name(), kernel.prepare(node.op(), signature(node)));
            values.put(node.name(), backend.allocate(node.shape(), node.dtype(), TensorRole.ACTIVATION));
            nodeIds.put(node.name(), stableId(node.name()));
        }
    }

    private NodeSignature signature(Node node) {
        List<Shape> inputShapes = new ArrayList<>();
        List<DType> inputTypes = new ArrayList<>();
        for (String in : node.inputs()) {
            Tensor value = values.get(in);
            inputShapes.add(value.shape());
            inputTypes.add(value.dtype());
        }
        List<Shape> paramShapes = node.parameters().stream().map(p -> p.spec().shape()).toList();
        return new NodeSignature(node.name(), inputShapes, inputTypes, paramShapes, node.shape(), node.dtype());
    }

    private static long stableId(String name) {
        long h = 1125899906842597L;
        for (int i = 0; i < name.length(); i++) {
            h = 31 * h + name.charAt(i);
        }
        return h;
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public ParameterStore parameters() {
        return store;
    }

    @Override
    public void feed(String input, float[] data) {
        backend.write(fedInput(input, data.length), data);
    }

    @Override
    public void feed(String input, double[] data) {
        backend.write(fedInput(input, data.length), data);
    }

    @Override
    public void feed(String input, int[] data) {
        backend.write(fedInput(input, data.length), data);
    }

    @Override
    public void stage(String input, MemorySegment data) {
        stagedInput(input, data.byteSize() / Float.BYTES).stage(data);
    }

    @Override
    public void stage(String input, int[] data) {
        stagedInput(input, data.length).stage(data);
    }

    @Override
    public void awaitStagedSources() {
        inputs.values().forEach(StagedInput::awaitSourcesRead);
    }

    /** The input's current tensor, for values fed directly: they replace whatever was staged for it. */
    private Tensor fedInput(String input, long length) {
        StagedInput staged = stagedInput(input, length);
        staged.discard();
        return staged.current();
    }

    private StagedInput stagedInput(String input, long length) {
        GraphInput in = graph.input(input);
        if (length != in.shape().size()) {
            throw new IllegalArgumentException("input '" + input + "' has shape " + in.shape() + " ("
                    + in.shape().size() + " elements), got " + length + " values");
        }
        return inputs.get(input);
    }

    @Override
    public void forward(RunContext context) {
        inputs.forEach((name, input) -> {
            if (input.advance()) {
                values.put(name, input.current());
            }
        });
        for (Node node : graph.nodes()) {
            List<Tensor> inputs = new ArrayList<>();
            for (String in : node.inputs()) {
                inputs.add(values.get(in));
            }
            ForwardCall call = new ForwardCall(inputs, paramValues(node), values.get(node.name()), context,
                    nodeIds.get(node.name()), prepared.get(node.name()));
            saved.put(node.name(), kernels.get(node.name()).forward(node.op(), call));
        }
        lastForward = context;
    }

    private List<Tensor> paramValues(Node node) {
        List<Tensor> params = new ArrayList<>();
        for (Parameter p : node.parameters()) {
            params.add(store.value(p.name()));
        }
        return params;
    }

    @Override
    public Tensor value(String name) {
        Tensor t = values.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no node or input named '" + name + "'");
        }
        return t;
    }

    @Override
    public double[] read(String name) {
        return backend.read(value(name));
    }

    @Override
    public void requireInputGradient(String input) {
        graph.input(input);
        inputsNeedingGradient.add(input);
        plans.clear();
    }

    @Override
    public void backward(String lossNode) {
        if (graph.shapeOf(lossNode).size() != 1) {
            throw new IllegalArgumentException("'" + lossNode + "' is not a scalar; give its output gradient");
        }
        backward(lossNode, new double[] {1.0});
    }

    @Override
    public void backward(String target, double[] outputGradient) {
        if (lastForward == null) {
            throw new IllegalStateException("backward before forward");
        }
        BackwardPlan plan = plans.computeIfAbsent(target,
                t -> BackwardPlan.of(graph, t, inputsNeedingGradient));
        for (String name : plan.carriesGradient()) {
            backend.fill(gradientTensor(name), 0);
        }
        backend.write(gradientTensor(target), outputGradient);
        for (Node node : plan.reverseOrder()) {
            List<Tensor> inputs = new ArrayList<>();
            List<Tensor> inputGrads = new ArrayList<>();
            for (int i = 0; i < node.inputs().size(); i++) {
                String in = node.inputs().get(i);
                inputs.add(values.get(in));
                boolean wanted = node.op().isDifferentiable(i) && plan.carriesGradient().contains(in);
                inputGrads.add(wanted ? gradientTensor(in) : null);
            }
            List<Tensor> paramGrads = new ArrayList<>();
            for (Parameter p : node.parameters()) {
                paramGrads.add(store.gradient(p.name()));
            }
            BackwardCall call = new BackwardCall(inputs, paramValues(node), values.get(node.name()),
                    gradientTensor(node.name()), inputGrads, paramGrads, lastForward, nodeIds.get(node.name()),
                    saved.get(node.name()), prepared.get(node.name()));
            kernels.get(node.name()).backward(node.op(), call);
        }
    }

    private Tensor gradientTensor(String name) {
        return gradients.computeIfAbsent(name, n -> {
            Tensor v = value(n);
            return backend.allocate(v.shape(), v.dtype(), TensorRole.ACTIVATION_GRADIENT);
        });
    }

    @Override
    public double[] inputGradient(String input) {
        if (!inputsNeedingGradient.contains(input)) {
            throw new IllegalStateException("call requireInputGradient(\"" + input + "\") before backward");
        }
        return backend.read(gradientTensor(input));
    }

    @Override
    public void close() {
        inputs.values().forEach(StagedInput::close);
        inputs.keySet().forEach(values::remove);
        inputs.clear();
        values.values().forEach(backend::release);
        gradients.values().forEach(backend::release);
        values.clear();
        gradients.clear();
        saved.clear();
        // What a kernel prepared may hold backend memory (a GPU kernel's per-node buffers): it lives as long as we do.
        for (Object preparation : prepared.values()) {
            if (preparation instanceof AutoCloseable closeable) {
                closePreparation(closeable);
            }
        }
        prepared.clear();
    }

    private static void closePreparation(AutoCloseable preparation) {
        try {
            preparation.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("a kernel's preparation could not be closed", e);
        }
    }
}
