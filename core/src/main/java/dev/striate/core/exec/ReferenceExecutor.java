package dev.striate.core.exec;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.RunContext;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.graph.Node;
import dev.striate.core.tensor.Tensor;
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
public final class ReferenceExecutor extends CompiledExecutor {
    private final Map<String, Tensor> values = new HashMap<>();
    private final Map<String, Tensor> gradients = new HashMap<>();
    private final Map<String, Object> saved = new HashMap<>();
    private final Set<String> inputsNeedingGradient = new HashSet<>();
    private final Map<String, BackwardPlan> plans = new LinkedHashMap<>();
    private RunContext lastForward;

    public ReferenceExecutor(Graph graph, Backend backend, ParameterStore store) {
        super(graph, backend, store, true);
        for (GraphInput in : graph.inputs()) {
            values.put(in.name(), inputs.current(in.name()));
        }
        for (Node node : graph.nodes()) {
            values.put(node.name(), backend.allocateUninitialized(node.shape(), nodes.storedType(node.name()),
                    TensorRole.ACTIVATION));
        }
    }

    @Override
    public void forward(RunContext context) {
        inputs.advance();
        for (GraphInput in : graph.inputs()) {
            values.put(in.name(), inputs.current(in.name()));
        }
        for (Node node : graph.nodes()) {
            List<Tensor> inputs = new ArrayList<>();
            for (String in : node.inputs()) {
                inputs.add(values.get(in));
            }
            saved.put(node.name(), nodes.forward(node, inputs, values.get(node.name()), context));
        }
        lastForward = context;
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
    public void requireInputGradient(String input) {
        graph.input(input);
        inputsNeedingGradient.add(input);
        plans.clear();
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
                inputGrads.add(plan.wantsGradient(node, i) ? gradientTensor(in) : null);
            }
            nodes.backward(node, inputs, values.get(node.name()), gradientTensor(node.name()), inputGrads,
                    lastForward, saved.get(node.name()));
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
        graph.inputs().forEach(in -> values.remove(in.name()));
        inputs.close();
        values.values().forEach(backend::release);
        gradients.values().forEach(backend::release);
        values.clear();
        gradients.clear();
        saved.clear();
        nodes.close();
    }
}
