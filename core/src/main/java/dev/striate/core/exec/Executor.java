package dev.striate.core.exec;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.RunContext;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.graph.Node;
import dev.striate.core.graph.Parameter;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one graph on one backend: inputs are fed from the host, forward runs every node in order, and backward
 * runs reverse-mode autodiff from one node, adding into the parameter gradients of the shared
 * {@link ParameterStore} (zero them with {@link ParameterStore#zeroGradients()} before a step). Kernels are
 * resolved when the executor is made, so a missing kernel fails before any work.
 */
public final class Executor implements AutoCloseable {
    private final Graph graph;
    private final Backend backend;
    private final ParameterStore store;
    private final Map<String, Tensor> values = new HashMap<>();
    private final Map<String, Tensor> gradients = new HashMap<>();
    private final Map<String, Kernel<Op>> kernels = new HashMap<>();
    private final Map<String, Object> saved = new HashMap<>();
    private final Map<String, Long> nodeIds = new HashMap<>();
    private final Set<String> inputsNeedingGradient = new HashSet<>();
    private final Map<String, BackwardPlan> plans = new LinkedHashMap<>();
    private RunContext lastForward;

    @SuppressWarnings("unchecked")
    public Executor(Graph graph, Backend backend, ParameterStore store) {
        if (store.backend() != backend) {
            throw new IllegalArgumentException("the parameter store lives on backend '" + store.backend().name()
                    + "', not '" + backend.name() + "'");
        }
        store.requireCompatible(graph);
        this.graph = graph;
        this.backend = backend;
        this.store = store;
        for (GraphInput in : graph.inputs()) {
            values.put(in.name(), backend.allocate(in.shape(), in.dtype()));
        }
        for (Node node : graph.nodes()) {
            kernels.put(node.name(), (Kernel<Op>) backend.kernel(node.op().getClass()));
            values.put(node.name(), backend.allocate(node.shape(), node.dtype()));
            nodeIds.put(node.name(), stableId(node.name()));
        }
    }

    private static long stableId(String name) {
        long h = 1125899906842597L;
        for (int i = 0; i < name.length(); i++) {
            h = 31 * h + name.charAt(i);
        }
        return h;
    }

    public Graph graph() {
        return graph;
    }

    public Backend backend() {
        return backend;
    }

    public ParameterStore parameters() {
        return store;
    }

    public void feed(String input, float[] data) {
        backend.write(inputTensor(input, data.length), data);
    }

    public void feed(String input, double[] data) {
        backend.write(inputTensor(input, data.length), data);
    }

    public void feed(String input, int[] data) {
        backend.write(inputTensor(input, data.length), data);
    }

    private Tensor inputTensor(String input, int length) {
        GraphInput in = graph.input(input);
        if (length != in.shape().size()) {
            throw new IllegalArgumentException("input '" + input + "' has shape " + in.shape() + " ("
                    + in.shape().size() + " elements), got " + length + " values");
        }
        return values.get(input);
    }

    public void forward(RunContext context) {
        for (Node node : graph.nodes()) {
            List<Tensor> inputs = new ArrayList<>();
            for (String in : node.inputs()) {
                inputs.add(values.get(in));
            }
            ForwardCall call = new ForwardCall(inputs, paramValues(node), values.get(node.name()), context,
                    nodeIds.get(node.name()));
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

    /** The value of a node or input on the backend. */
    public Tensor value(String name) {
        Tensor t = values.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no node or input named '" + name + "'");
        }
        return t;
    }

    public double[] read(String name) {
        return backend.read(value(name));
    }

    /** Asks backward to compute the gradient with respect to a graph input too (gradient checks). */
    public void requireInputGradient(String input) {
        graph.input(input);
        inputsNeedingGradient.add(input);
        plans.clear();
    }

    /** Backward from a scalar node (a loss): dL/dL = 1. */
    public void backward(String lossNode) {
        if (graph.shapeOf(lossNode).size() != 1) {
            throw new IllegalArgumentException("'" + lossNode + "' is not a scalar; give its output gradient");
        }
        backward(lossNode, new double[] {1.0});
    }

    /**
     * Reverse-mode autodiff from {@code target} with the given gradient of its output, using the tensors of the last
     * forward pass. Parameter gradients are added into the store; input gradients are readable afterwards.
     */
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
                    saved.get(node.name()));
            kernels.get(node.name()).backward(node.op(), call);
        }
    }

    private Tensor gradientTensor(String name) {
        return gradients.computeIfAbsent(name, n -> {
            Tensor v = value(n);
            return backend.allocate(v.shape(), v.dtype());
        });
    }

    /** dL/dinput after {@link #backward}, for an input named in {@link #requireInputGradient}. */
    public double[] inputGradient(String input) {
        if (!inputsNeedingGradient.contains(input)) {
            throw new IllegalStateException("call requireInputGradient(\"" + input + "\") before backward");
        }
        return backend.read(gradientTensor(input));
    }

    @Override
    public void close() {
        values.values().forEach(backend::release);
        gradients.values().forEach(backend::release);
        values.clear();
        gradients.clear();
        saved.clear();
    }
}
