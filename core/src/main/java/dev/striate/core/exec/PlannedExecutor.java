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
                throw new IllegalArgumentException("no node or input named '" + name + "'");
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
            allocate(plan.bornAt(step));
            for (Lifetime born : plan.bornAt(step)) {
                if (born.gradient() && born.name().equals(target)) {
                    backend.write(gradients.get(target), outputGradient);
                }
            }
            runBackward(order.get(j));
            release(plan.diesAfter(step));
        }
        lastForward = null;
    }

    private void runBackward(Node node) {
        BackwardReads reads = BackwardReads.of(node.op());
        BackwardPlan backwardPlan = plan.backwardPlan();
        List<Tensor> nodeInputs = new ArrayList<>();
        List<Tensor> inputGrads = new ArrayList<>();
        for (int position = 0; position < node.inputs().size(); position++) {
            String in = node.inputs().get(position);
            nodeInputs.add(reads.readsInput(position) ? alive(in) : withheld(in));
            inputGrads.add(backwardPlan.wantsGradient(node, position) ? gradients.get(in) : null);
        }
        Tensor output = reads.output() ? alive(node.name()) : withheld(node.name());
        nodes.backward(node, nodeInputs, output, gradients.get(node.name()), inputGrads, lastForward,
                saved.get(node.name()));
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
