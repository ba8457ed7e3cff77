package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.backend.RunContext;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.graph.Parameter;
import dev.striate.core.op.BackwardReads;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.StoredTypes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs a graph's CUDA kernels on a {@link RecordingCudaContext}: every tensor allocated, each node prepared, run
 * forward, then backward in reverse order with every gradient wanted, then once more with none wanted. Made
 * {@link #writingFreshGradients()}, the first backward hands each gradient's first writer that gradient fresh where
 * the planned executor would ({@link BackwardCall#fresh}: the node takes the value once and its kernel writes it
 * whole); otherwise every gradient is added into. Linear nodes
 * are left out (cuBLAS needs its native library) unless cuBLAS calls to record them on are given. Nothing is
 * computed; the context records what would run.
 * Values and their gradients are kept in the type the CUDA backend keeps them in for the context's precision
 * ({@link StoredTypes}: in bf16 work, BF16 for every float value but the loss); parameters and their gradients in
 * their declared type (F32).
 */
final class KernelRun {
    private final RecordingCudaContext context;
    private final Graph graph;
    private final Map<String, Tensor> values = new HashMap<>();
    private final Map<String, Tensor> gradients = new HashMap<>();
    private final Map<String, List<Tensor>> params = new HashMap<>();
    private final Map<String, List<Tensor>> paramGradients = new HashMap<>();
    private final Map<String, Object> prepared = new HashMap<>();
    private final Map<String, Object> saved = new HashMap<>();
    private final Map<Class<?>, Kernel<Op>> kernels = new HashMap<>();
    /** Where Linear nodes' GEMMs go; null: Linear nodes are left out. */
    private final CublasCalls cublas;
    private boolean freshWriting;

    KernelRun(RecordingCudaContext context, Graph graph) {
        this(context, graph, null);
    }

    /** Linear nodes included, their GEMMs made on {@code cublas}. */
    KernelRun(RecordingCudaContext context, Graph graph, CublasCalls cublas) {
        this.context = context;
        this.graph = graph;
        this.cublas = cublas;
        FakeDevice device = context.device();
        graph.inputs().forEach(in -> allocate(in.name(), in.shape(), in.dtype(), null));
        for (Node node : graph.nodes()) {
            allocate(node.name(), node.shape(), node.dtype(), node.op());
            List<Tensor> nodeParams = new ArrayList<>();
            List<Tensor> nodeGradients = new ArrayList<>();
            for (Parameter p : node.parameters()) {
                nodeParams.add(device.allocate(p.spec().shape(), p.spec().dtype()));
                nodeGradients.add(p.trainable() ? device.allocate(p.spec().shape(), p.spec().dtype()) : null);
            }
            params.put(node.name(), nodeParams);
            paramGradients.put(node.name(), nodeGradients);
        }
    }

    private void allocate(String name, Shape shape, DType declared, Op producer) {
        DType stored = StoredTypes.of(context.precision(), declared, producer);
        values.put(name, context.device().allocate(shape, stored));
        gradients.put(name, stored.isFloatingPoint() ? context.device().allocate(shape, stored) : null);
    }

    /** The first backward hands gradients to their first writers fresh ({@link #freshGradients()}). */
    KernelRun writingFreshGradients() {
        freshWriting = true;
        return this;
    }

    /**
     * The values whose gradients the first backward hands over fresh: none unless {@link #writingFreshGradients()};
     * else, in backward order, each value's first writer where it takes the value at one position only and its
     * kernel writes that gradient whole. Their tensors may hold anything before (NaN in the emulation).
     */
    Set<String> freshGradients() {
        Set<String> fresh = new HashSet<>();
        if (!freshWriting) {
            return fresh;
        }
        Set<String> written = new HashSet<>();
        for (Node node : nodesRun().reversed()) {
            for (int position = 0; position < node.inputs().size(); position++) {
                String in = node.inputs().get(position);
                if (gradients.get(in) != null && !written.contains(in)
                        && Collections.frequency(node.inputs(), in) == 1
                        && kernel(node.op()).writesFreshInputGradient(node.op(), position)) {
                    fresh.add(in);
                }
            }
            written.addAll(node.inputs());
        }
        return fresh;
    }

    /** The nodes this run runs: all but Linear ones without cuBLAS calls to record them on. */
    private List<Node> nodesRun() {
        return graph.nodes().stream().filter(n -> cublas != null || !(n.op() instanceof Linear)).toList();
    }

    /** Prepares, runs forward and backward (all gradients, then none), and closes the preparations. */
    void run(RunContext run) {
        run(run, null);
    }

    /**
     * As {@link #run(RunContext)}, but each backward gets, for the inputs and output {@code declared} says its op does
     * not read, a released tensor of the same shape, as a planned executor withholds them: a kernel that takes its
     * address or launches with it fails.
     */
    void runWithheld(RunContext run, Function<Op, BackwardReads> declared) {
        run(run, declared);
    }

    /**
     * Prepares each node (linear left out without cuBLAS calls) and runs its forward, telling {@code afterForward}
     * each node as its forward has been recorded; returns the nodes run.
     */
    List<Node> forward(RunContext run, Consumer<Node> afterForward) {
        List<Node> nodes = nodesRun();
        for (Node node : nodes) {
            Kernel<Op> kernel = kernel(node.op());
            prepared.put(node.name(), kernel.prepare(node.op(), signature(node)));
            saved.put(node.name(), kernel.forward(node.op(), new ForwardCall(inputs(node), params.get(node.name()),
                    values.get(node.name()), run, nodeId(node), prepared.get(node.name()))));
            afterForward.accept(node);
        }
        return nodes;
    }

    private void run(RunContext run, Function<Op, BackwardReads> declared) {
        Set<String> fresh = freshGradients();
        List<Node> nodes = forward(run, node -> { });
        for (boolean wanted : new boolean[] {true, false}) {
            Set<String> written = new HashSet<>();
            for (Node node : nodes.reversed()) {
                List<Tensor> inputGrads = new ArrayList<>();
                List<Boolean> freshGrads = new ArrayList<>();
                for (String in : node.inputs()) {
                    inputGrads.add(wanted ? gradients.get(in) : null);
                    freshGrads.add(wanted && fresh.contains(in) && !written.contains(in));
                }
                written.addAll(node.inputs());
                List<Tensor> paramGrads = wanted ? paramGradients.get(node.name())
                        : new ArrayList<>(Collections.nCopies(node.parameters().size(), null));
                BackwardReads reads = declared == null ? null : declared.apply(node.op());
                List<Tensor> inputs = new ArrayList<>(inputs(node));
                Tensor output = values.get(node.name());
                if (reads != null) {
                    for (int position = 0; position < inputs.size(); position++) {
                        if (!reads.readsInput(position)) {
                            inputs.set(position, released(inputs.get(position)));
                        }
                    }
                    output = reads.output() ? output : released(output);
                }
                kernel(node.op()).backward(node.op(), new BackwardCall(inputs, params.get(node.name()), output,
                        gradients.get(node.name()), inputGrads, paramGrads, run, nodeId(node), saved.get(node.name()),
                        prepared.get(node.name()), freshGrads));
            }
        }
        for (Object preparation : prepared.values()) {
            if (preparation instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    private Tensor released(Tensor tensor) {
        Tensor stand = context.device().allocate(tensor.shape(), tensor.dtype());
        context.device().release(stand);
        return stand;
    }

    /** Whether a device address is one of the graph's gradients (not a kernel's scratch). */
    boolean isGradient(long address) {
        return Stream.concat(gradients.values().stream(), paramGradients.values().stream().flatMap(List::stream))
                .anyMatch(g -> g != null && context.device().address(g) == address);
    }

    /** A node or input's value. */
    Tensor value(String name) {
        return values.get(name);
    }

    /** The gradient of a node or input (null for labels). */
    Tensor gradient(String name) {
        return gradients.get(name);
    }

    /** A node's parameters and buffers, in the order of {@code node.parameters()}. */
    List<Tensor> parameters(String node) {
        return params.get(node);
    }

    /** The gradients of a node's parameters, in the same order (null for buffers). */
    List<Tensor> parameterGradients(String node) {
        return paramGradients.get(node);
    }

    /** The node's number, as the reference executor derives it from the name (dropout masks depend on it). */
    private static long nodeId(Node node) {
        long h = 1125899906842597L;
        for (int i = 0; i < node.name().length(); i++) {
            h = 31 * h + node.name().charAt(i);
        }
        return h;
    }

    private List<Tensor> inputs(Node node) {
        return node.inputs().stream().map(values::get).toList();
    }

    private NodeSignature signature(Node node) {
        List<Shape> shapes = node.inputs().stream().map(in -> values.get(in).shape()).toList();
        List<DType> types = node.inputs().stream().map(in -> values.get(in).dtype()).toList();
        List<Shape> paramShapes = node.parameters().stream().map(p -> p.spec().shape()).toList();
        return new NodeSignature(node.name(), shapes, types, paramShapes, node.shape(),
                values.get(node.name()).dtype());
    }

    private Kernel<Op> kernel(Op op) {
        return kernels.computeIfAbsent(op.getClass(), opClass -> create(op));
    }

    @SuppressWarnings("unchecked")
    private Kernel<Op> create(Op op) {
        if (op instanceof Linear && cublas != null) {
            return (Kernel<Op>) (Kernel<? extends Op>) new LinearKernel(context, cublas);
        }
        String name = "dev.striate.cuda.kernel." + op.getClass().getSimpleName() + "Kernel";
        try {
            return (Kernel<Op>) Class.forName(name).getConstructor(CudaContext.class).newInstance(context);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no CUDA kernel " + name, e);
        }
    }
}
