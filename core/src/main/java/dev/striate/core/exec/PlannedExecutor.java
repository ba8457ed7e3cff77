package dev.striate.core.exec;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.RunContext;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.op.BackwardReads;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An executor that holds a tensor only while its {@link MemoryPlan} says it is alive: each node's output is allocated
 * when the node runs forward (uninitialised: its kernel writes it whole) and released after its last reader, each
 * gradient is allocated (zero-filled, as
 * {@link Backend#allocate} promises) at the first backward that adds into it and released after its node's backward.
 * Where that first backward writes the gradient whole instead ({@link dev.striate.core.backend.Kernel#writesFreshInputGradient}:
 * the node reads the value at one position only, and its kernel can), the gradient is allocated uninitialized and
 * the call marks it fresh, so no step zero-fills and re-reads what the kernel is about to overwrite.
 * On a GPU the caching allocator hands the same blocks out again every step, so a step still asks the driver for
 * nothing. Only graph inputs and the {@link PlanRequest}'s kept values can be read after a step; a backward kernel gets
 * the values its op declares reading ({@link BackwardReads}) and, for the others, a tensor with their shape and no
 * elements ({@link WithheldBuffer}). Backward runs once after each forward, from the request's target only.
 */
public final class PlannedExecutor extends CompiledExecutor {
    private final PlanRequest request;
    private final Map<String, Tensor> values = new HashMap<>();
    private final Map<String, Tensor> gradients = new HashMap<>();
    private final Map<String, Object> saved = new HashMap<>();
    private final Set<String> inputsNeedingGradient = new HashSet<>();
    private MemoryPlan plan;
    /** The context of the forward pass a backward may follow; null when there is none. */
    private RunContext lastForward;

    public PlannedExecutor(Graph graph, Backend backend, ParameterStore store, PlanRequest request) {
        MemoryPlan checked = MemoryPlan.of(graph, request); // a request the graph cannot meet fails before any work
        super(graph, backend, store, request.hasBackward());
        this.plan = checked;
        this.request = request;
    }

    /** The plan this executor runs (it changes when an input's gradient is asked for). */
    public MemoryPlan plan() {
        return plan;
    }

    @Override
    public void forward(RunContext context) {
        releaseStep();
        inputs.advance();
        for (int step = 0; step < plan.forwardSteps(); step++) {
            Node node = graph.nodes().get(step);
            allocate(plan.bornAt(step));
            List<Tensor> nodeInputs = new ArrayList<>();
            for (String in : node.inputs()) {
                nodeInputs.add(alive(in));
            }
            saved.put(node.name(), nodes.forward(node, nodeInputs, alive(node.name()), context));
            release(plan.diesAfter(step));
        }
        lastForward = context;
    }

    @Override
    public Tensor value(String name) {
        if (graph.isInput(name)) {
            return inputs.current(name);
        }
        if (!request.kept().contains(name)) {
            // Kept names are checked against the graph when the plan is made; only the failure pays for a search.
            if (graph.nodes().stream().noneMatch(node -> node.name().equals(name))) {
                throw new IllegalArgumentException("no node or input named '" + name + "' in the graph this executor"
                        + " runs (a backend that fuses nodes removes a value only the next node reads, unless the"
                        + " PlanRequest keeps it)");
            }
            throw new IllegalStateException("the value of '" + name + "' is not kept after a step: the memory plan"
                    + " frees it after its last use; name it among the kept values of the PlanRequest, or compile"
                    + " with Backend.compile(graph, parameters), which keeps every value");
        }
        Tensor value = values.get(name);
        if (value == null) {
            throw new IllegalStateException("'" + name + "' has no value yet: run forward first");
        }
        return value;
    }

    /** Backward will also compute this input's gradient; the next forward runs under the plan made for it. */
    @Override
    public void requireInputGradient(String input) {
        graph.input(input);
        if (inputsNeedingGradient.add(input)) {
            plan = MemoryPlan.of(graph, request, inputsNeedingGradient);
            lastForward = null;
        }
    }

    @Override
    public void backward(String target, double[] outputGradient) {
        if (!request.hasBackward()) {
            throw new IllegalStateException("this executor was compiled for forward only (PlanRequest.forwardOnly);"
                    + " compile it with PlanRequest.backward to run backward");
        }
        if (!target.equals(request.backwardFrom())) {
            throw new IllegalArgumentException("this executor plans backward from '" + request.backwardFrom()
                    + "', not '" + target + "'");
        }
        if (outputGradient.length != graph.shapeOf(target).size()) {
            throw new IllegalArgumentException("'" + target + "' has " + graph.shapeOf(target).size()
                    + " elements, got an output gradient of " + outputGradient.length);
        }
        if (lastForward == null) {
            throw new IllegalStateException("backward needs a forward pass just before it: a planned executor frees"
                    + " what backward read as it goes (and plans again when an input's gradient is asked for)");
        }
        List<Node> order = plan.backwardOrder();
        for (int j = 0; j < order.size(); j++) {
            int step = plan.forwardSteps() + j;
            Node node = order.get(j);
            Set<String> fresh = allocateGradients(plan.bornAt(step), node);
            for (Lifetime born : plan.bornAt(step)) {
                if (born.gradient() && born.name().equals(target)) {
                    backend.write(gradients.get(target), outputGradient);
                }
            }
            runBackward(node, fresh);
            release(plan.diesAfter(step));
        }
        lastForward = null;
    }

    /** {@code fresh}: the values whose gradients this node writes whole ({@link #allocateGradients}). */
    private void runBackward(Node node, Set<String> fresh) {
        BackwardReads reads = BackwardReads.of(node.op());
        BackwardPlan backwardPlan = plan.backwardPlan();
        List<Tensor> nodeInputs = new ArrayList<>();
        List<Tensor> inputGrads = new ArrayList<>();
        List<Boolean> freshGrads = new ArrayList<>();
        for (int position = 0; position < node.inputs().size(); position++) {
            String in = node.inputs().get(position);
            nodeInputs.add(reads.readsInput(position) ? alive(in) : withheld(in));
            boolean wanted = backwardPlan.wantsGradient(node, position);
            inputGrads.add(wanted ? gradients.get(in) : null);
            freshGrads.add(wanted && fresh.contains(in));
        }
        Tensor output = reads.output() ? alive(node.name()) : withheld(node.name());
        nodes.backward(node, nodeInputs, output, gradients.get(node.name()), inputGrads, freshGrads, lastForward,
                saved.get(node.name()));
    }

    /**
     * Allocates the gradients born at {@code node}'s backward step: uninitialized where the node writes one whole
     * ({@link #writesWhole}), returned as fresh; zero-filled otherwise.
     */
    private Set<String> allocateGradients(List<Lifetime> born, Node node) {
        Set<String> fresh = new HashSet<>();
        for (Lifetime l : born) {
            if (l.gradient() && writesWhole(node, l.name())) {
                gradients.put(l.name(), backend.allocateUninitialized(graph.shapeOf(l.name()), dtype(l.name()),
                        TensorRole.ACTIVATION_GRADIENT));
                fresh.add(l.name());
            } else {
                allocate(List.of(l));
            }
        }
        return fresh;
    }

    /**
     * Whether {@code node}'s backward writes the gradient of {@code value} whole: it takes the value at exactly one
     * position whose gradient is wanted (a node taking it twice adds twice), and its kernel writes that one fresh.
     */
    private boolean writesWhole(Node node, String value) {
        int position = -1;
        for (int p = 0; p < node.inputs().size(); p++) {
            if (node.inputs().get(p).equals(value) && plan.backwardPlan().wantsGradient(node, p)) {
                if (position >= 0) {
                    return false;
                }
                position = p;
            }
        }
        return position >= 0 && nodes.writesFreshInputGradient(node, position);
    }

    @Override
    public double[] inputGradient(String input) {
        if (!inputsNeedingGradient.contains(input)) {
            throw new IllegalStateException("call requireInputGradient(\"" + input + "\") before backward");
        }
        Tensor gradient = gradients.get(input);
        return gradient != null ? backend.read(gradient) : new double[(int) graph.shapeOf(input).size()];
    }

    private Tensor alive(String name) {
        Tensor tensor = graph.isInput(name) ? inputs.current(name) : values.get(name);
        if (tensor == null) {
            throw new IllegalStateException("the memory plan released '" + name + "' before a step that reads it");
        }
        return tensor;
    }

    private Tensor withheld(String name) {
        return new Tensor(graph.shapeOf(name), dtype(name), new WithheldBuffer(name));
    }

    private DType dtype(String name) {
        return nodes.storedType(name);
    }

    private void allocate(List<Lifetime> born) {
        for (Lifetime l : born) {
            Shape shape = graph.shapeOf(l.name());
            if (l.gradient()) {
                gradients.put(l.name(), backend.allocate(shape, dtype(l.name()), TensorRole.ACTIVATION_GRADIENT));
            } else {
                values.put(l.name(), backend.allocateUninitialized(shape, dtype(l.name()), TensorRole.ACTIVATION));
            }
        }
    }

    private void release(List<Lifetime> dead) {
        for (Lifetime l : dead) {
            backend.release((l.gradient() ? gradients : values).remove(l.name()));
        }
    }

    /** Gives back what the last step left alive: the kept values, what an unrun backward would have read. */
    private void releaseStep() {
        values.values().forEach(backend::release);
        gradients.values().forEach(backend::release);
        values.clear();
        gradients.clear();
        saved.clear();
        lastForward = null;
    }

    @Override
    public void close() {
        releaseStep();
        inputs.close();
        nodes.close();
    }
}
