package dev.striate.core.exec;

import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.op.BackwardReads;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The memory of one step planned from the graph alone, before anything runs: when each node's output and each gradient
 * is born and when it dies. A step is the forward nodes in graph order (steps 0 to F-1), then, when the request has a
 * backward, the nodes of its {@link BackwardPlan} in reverse order (steps F onwards). A node's output is born at its
 * forward step and dies after the last step that reads it: a later forward node, or a backward whose op declares
 * reading it ({@link BackwardReads}); the values the caller keeps outlive the step. A gradient is born at the first
 * backward step that touches it (zero-filled, since backward kernels add into it, unless that step's kernel writes it
 * whole: {@link PlannedExecutor}; the target's is written with the output gradient) and dies after its node's
 * backward consumed it; a graph input's gradient outlives the step so that
 * it can be read. Graph inputs are fed from outside and live for the executor's life.
 */
public final class MemoryPlan {
    private final Graph graph;
    private final PlanRequest request;
    private final BackwardPlan backward;
    private final List<Lifetime> lifetimes;
    private final List<List<Lifetime>> births = new ArrayList<>();
    private final List<List<Lifetime>> deaths = new ArrayList<>();
    private final long inputValues;

    private MemoryPlan(Graph graph, PlanRequest request, BackwardPlan backward, List<Lifetime> lifetimes) {
        this.graph = graph;
        this.request = request;
        this.backward = backward;
        this.lifetimes = List.copyOf(lifetimes);
        this.inputValues = graph.inputs().stream().mapToLong(in -> in.shape().size()).sum();
        for (int step = 0; step < steps(); step++) {
            births.add(new ArrayList<>());
            deaths.add(new ArrayList<>());
        }
        for (Lifetime l : lifetimes) {
            births.get(l.birth()).add(l);
            if (l.death() != Lifetime.END) {
                deaths.get(l.death()).add(l);
            }
        }
        births.replaceAll(List::copyOf);
        deaths.replaceAll(List::copyOf);
    }

    public static MemoryPlan of(Graph graph, PlanRequest request) {
        return of(graph, request, Set.of());
    }

    /** The plan when backward must also compute the gradients of {@code inputsNeedingGradient} (graph inputs). */
    public static MemoryPlan of(Graph graph, PlanRequest request, Set<String> inputsNeedingGradient) {
        // A name that is not in the graph fails here, named, before anything runs.
        request.kept().forEach(graph::shapeOf);
        BackwardPlan backward = new BackwardPlan(List.of(), Set.of());
        if (request.hasBackward()) {
            backward = BackwardPlan.of(graph, graph.node(request.backwardFrom()).name(), inputsNeedingGradient);
        }
        int forwardSteps = graph.nodes().size();
        Map<String, Integer> lastRead = new HashMap<>();
        Map<String, Integer> firstGradientTouch = new LinkedHashMap<>();
        Map<String, Integer> lastGradientTouch = new HashMap<>();
        for (int step = 0; step < forwardSteps; step++) {
            for (String in : graph.nodes().get(step).inputs()) {
                lastRead.put(in, step);
            }
        }
        // Backward reads what its op declares, consumes its node's gradient and adds into its inputs' gradients.
        List<Node> order = backward.reverseOrder();
        for (int j = 0; j < order.size(); j++) {
            int step = forwardSteps + j;
            Node node = order.get(j);
            BackwardReads reads = BackwardReads.of(node.op());
            touch(node.name(), step, firstGradientTouch, lastGradientTouch);
            for (int position = 0; position < node.inputs().size(); position++) {
                String in = node.inputs().get(position);
                if (reads.readsInput(position)) {
                    lastRead.put(in, step);
                }
                if (backward.wantsGradient(node, position)) {
                    touch(in, step, firstGradientTouch, lastGradientTouch);
                }
            }
            if (reads.output()) {
                lastRead.put(node.name(), step);
            }
        }
        List<Lifetime> lifetimes = new ArrayList<>();
        for (int step = 0; step < forwardSteps; step++) {
            Node node = graph.nodes().get(step);
            int death = request.kept().contains(node.name()) ? Lifetime.END
                    : Math.max(step, lastRead.getOrDefault(node.name(), step));
            lifetimes.add(new Lifetime(node.name(), false, node.shape().size(), step, death));
        }
        for (Map.Entry<String, Integer> first : firstGradientTouch.entrySet()) {
            String name = first.getKey();
            int death = graph.isInput(name) ? Lifetime.END : lastGradientTouch.get(name);
            lifetimes.add(new Lifetime(name, true, graph.shapeOf(name).size(), first.getValue(), death));
        }
        return new MemoryPlan(graph, request, backward, lifetimes);
    }

    private static void touch(String name, int step, Map<String, Integer> first, Map<String, Integer> last) {
        first.putIfAbsent(name, step);
        last.put(name, step);
    }

    public Graph graph() {
        return graph;
    }

    public PlanRequest request() {
        return request;
    }

    /** The nodes backward runs, in order: steps {@link #forwardSteps()} onwards. */
    public List<Node> backwardOrder() {
        return backward.reverseOrder();
    }

    BackwardPlan backwardPlan() {
        return backward;
    }

    public int forwardSteps() {
        return graph.nodes().size();
    }

    public int steps() {
        return forwardSteps() + backward.reverseOrder().size();
    }

    /** Every node output and gradient of a step; graph inputs are not planned. */
    public List<Lifetime> lifetimes() {
        return lifetimes;
    }

    /** The lifetimes that begin at {@code step}: allocate them before it runs. */
    public List<Lifetime> bornAt(int step) {
        return births.get(step);
    }

    /** The lifetimes that end at {@code step}: release them after it ran. */
    public List<Lifetime> diesAfter(int step) {
        return deaths.get(step);
    }

    /** The names of node outputs (gradients: false) or gradients (true) alive once {@code step} has run. */
    public Set<String> aliveAfter(int step, boolean gradients) {
        Set<String> names = new LinkedHashSet<>();
        for (Lifetime l : lifetimes) {
            if (l.gradient() == gradients && l.aliveAfter(step)) {
                names.add(l.name());
            }
        }
        return names;
    }

    /** The most values alive at once over the step: graph inputs, node outputs and gradients (not parameters). */
    public long peakValues() {
        long[] change = new long[steps() + 1];
        for (Lifetime l : lifetimes) {
            change[l.birth()] += l.values();
            if (l.death() != Lifetime.END) {
                change[l.death() + 1] -= l.values();
            }
        }
        long alive = 0;
        long peak = 0;
        for (int step = 0; step < steps(); step++) {
            alive += change[step];
            peak = Math.max(peak, alive);
        }
        return inputValues + peak;
    }

    /**
     * The values the plain {@link ReferenceExecutor} holds for the same step: every graph input and node output, and
     * the gradient of every value backward visits, each for the executor's life.
     */
    public long unplannedValues() {
        long values = inputValues;
        for (Node node : graph.nodes()) {
            values += node.shape().size();
        }
        if (request.hasBackward()) {
            Set<String> withGradient = new HashSet<>(backward.carriesGradient());
            withGradient.add(request.backwardFrom());
            for (String name : withGradient) {
                values += graph.shapeOf(name).size();
            }
        }
        return values;
    }

    /** Graph inputs' values, which live for the executor's life. */
    public long inputValues() {
        return inputValues;
    }
}
