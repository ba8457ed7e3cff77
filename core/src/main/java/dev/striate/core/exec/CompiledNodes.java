package dev.striate.core.exec;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.backend.RunContext;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.graph.Parameter;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every executor of a graph needs per node, made once: its kernel (resolved when the executor is made, so a
 * missing kernel fails before any work), what the kernel prepared for its shapes and the types the backend stores
 * them in ({@link Backend#storedType}), and a stable number from its name (dropout masks derive from it). Calls a
 * node's kernel with its parameters and their gradients from the store.
 */
final class CompiledNodes implements AutoCloseable {
    private final ParameterStore store;
    private final Map<String, Kernel<Op>> kernels = new HashMap<>();
    private final Map<String, Object> prepared = new HashMap<>();
    private final Map<String, Long> nodeIds = new HashMap<>();
    private final Map<String, DType> storedTypes = new HashMap<>();

    @SuppressWarnings("unchecked")
    /** {@code backward}: whether the executor may run backward (kernels then prepare for it too). */
    CompiledNodes(Graph graph, Backend backend, ParameterStore store, boolean backward) {
        if (store.backend() != backend) {
            throw new IllegalArgumentException("the parameter store lives on backend '" + store.backend().name()
                    + "', not '" + backend.name() + "'");
        }
        store.requireCompatible(graph);
        this.store = store;
        graph.inputs().forEach(in -> storedTypes.put(in.name(), backend.storedType(in.dtype(), null)));
        graph.nodes().forEach(node -> storedTypes.put(node.name(), backend.storedType(node.dtype(), node.op())));
        try {
            for (Node node : graph.nodes()) {
                Kernel<Op> kernel = (Kernel<Op>) backend.kernel(node.op().getClass());
                kernels.put(node.name(), kernel);
                prepared.put(node.name(), kernel.prepare(node.op(), signature(graph, node, backward)));
                nodeIds.put(node.name(), stableId(node.name()));
            }
        } catch (RuntimeException e) {
            // A later node failed (a missing kernel, a GPU out of memory): nobody will close us, so free what was made.
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private NodeSignature signature(Graph graph, Node node, boolean backward) {
        List<Shape> inputShapes = new ArrayList<>();
        List<DType> inputTypes = new ArrayList<>();
        for (String in : node.inputs()) {
            inputShapes.add(graph.shapeOf(in));
            inputTypes.add(storedType(in));
        }
        List<Shape> paramShapes = node.parameters().stream().map(p -> p.spec().shape()).toList();
        return new NodeSignature(node.name(), inputShapes, inputTypes, paramShapes, node.shape(),
                storedType(node.name()), backward);
    }

    /** The type the backend keeps a graph input's or node's value (and gradient) in. */
    DType storedType(String name) {
        DType type = storedTypes.get(name);
        if (type == null) {
            throw new IllegalArgumentException("no node or input named '" + name + "'");
        }
        return type;
    }

    private static long stableId(String name) {
        long h = 1125899906842597L;
        for (int i = 0; i < name.length(); i++) {
            h = 31 * h + name.charAt(i);
        }
        return h;
    }

    /** Runs the node's forward into {@code output}; returns what its backward is to be handed. */
    Object forward(Node node, List<Tensor> inputs, Tensor output, RunContext context) {
        ForwardCall call = new ForwardCall(inputs, parameterValues(node), output, context, nodeIds.get(node.name()),
                prepared.get(node.name()));
        return kernels.get(node.name()).forward(node.op(), call);
    }

    /** Runs the node's backward, adding into {@code inputGrads} and the store's parameter gradients. */
    void backward(Node node, List<Tensor> inputs, Tensor output, Tensor outputGrad, List<Tensor> inputGrads,
                  RunContext context, Object saved) {
        backward(node, inputs, output, outputGrad, inputGrads, Collections.nCopies(inputGrads.size(), false), context,
                saved);
    }

    /** As above, writing instead of adding the input gradients marked {@code fresh} ({@link BackwardCall}). */
    void backward(Node node, List<Tensor> inputs, Tensor output, Tensor outputGrad, List<Tensor> inputGrads,
                  List<Boolean> fresh, RunContext context, Object saved) {
        List<Tensor> paramGrads = new ArrayList<>();
        for (Parameter p : node.parameters()) {
            paramGrads.add(store.gradient(p.name()));
        }
        BackwardCall call = new BackwardCall(inputs, parameterValues(node), output, outputGrad, inputGrads, paramGrads,
                context, nodeIds.get(node.name()), saved, prepared.get(node.name()), fresh);
        kernels.get(node.name()).backward(node.op(), call);
    }

    /** Whether the node's kernel writes input {@code position}'s gradient whole when told it is fresh. */
    boolean writesFreshInputGradient(Node node, int position) {
        return kernels.get(node.name()).writesFreshInputGradient(node.op(), position);
    }

    private List<Tensor> parameterValues(Node node) {
        List<Tensor> params = new ArrayList<>();
        for (Parameter p : node.parameters()) {
            params.add(store.value(p.name()));
        }
        return params;
    }

    /** What a kernel prepared may hold backend memory (a GPU kernel's per-node buffers): it lives as long as we do. */
    @Override
    public void close() {
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
