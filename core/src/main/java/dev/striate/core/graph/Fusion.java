package dev.striate.core.graph;

import dev.striate.core.op.Add;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.core.op.BatchNormRelu;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Relu6;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The graph rewrite a GPU backend applies when it compiles: fewer passes over activations, the same values. Each rule
 * ends at a ReLU (or ReLU6) and swallows the nodes before it whose value nobody else reads:
 * <ul>
 * <li>batch_norm → relu or relu6 becomes {@link BatchNormRelu} (ceiling +∞ or 6);</li>
 * <li>batch_norm → add (two inputs) → relu becomes {@link BatchNormAddRelu}, inputs [the batch norm's input, the
 * add's other input]; when both of the add's inputs qualify, the first is the one fused;</li>
 * <li>conv2d → relu becomes {@link Conv2dRelu}.</li>
 * </ul>
 * A swallowed node (the batch norm, the convolution, the add) must be read exactly once in the whole graph (by the
 * next node of the rule) and must not be kept or a graph output: its value no longer exists after fusion. The ReLU's
 * value still does: the fused node takes the ReLU's name and its place in topological order, so a kept or output ReLU
 * is fused too and reads as before. The fused node's parameters keep the swallowed batch norm's or convolution's names
 * ({@link Node#parameterOwner()}), so a parameter store or checkpoint of the unfused graph fits the fused one.
 */
public final class Fusion {
    private final Graph graph;
    private final Set<String> kept;
    private final Map<String, Integer> readCounts = new HashMap<>();

    private Fusion(Graph graph, Set<String> keep) {
        this.graph = graph;
        this.kept = new HashSet<>(keep);
        kept.addAll(graph.outputs());
        for (Node node : graph.nodes()) {
            for (String input : node.inputs()) {
                readCounts.merge(input, 1, Integer::sum);
            }
        }
    }

    /**
     * The graph with every match of the rules fused. {@code keep}: the names whose values a caller reads after a step
     * or starts backward from (a plan's kept values and its backward target); the graph's outputs are kept too. A
     * graph with nothing to fuse comes back with the same nodes, and fusing a fused graph changes nothing.
     */
    public static Graph fuse(Graph graph, Set<String> keep) {
        return new Fusion(graph, keep).rewrite();
    }

    /** One fused node: its op, its inputs, the node whose parameter names it keeps, and the nodes it swallows. */
    private record Match(Op op, List<String> inputs, String parameterOwner, List<String> swallowed) {
    }

    private Graph rewrite() {
        Map<String, Match> matches = new HashMap<>();
        Set<String> swallowed = new HashSet<>();
        for (Node node : graph.nodes()) {
            match(node).ifPresent(m -> {
                matches.put(node.name(), m);
                swallowed.addAll(m.swallowed());
            });
        }
        GraphBuilder builder = new GraphBuilder();
        for (GraphInput in : graph.inputs()) {
            builder.input(in.name(), in.shape(), in.dtype());
        }
        for (Node node : graph.nodes()) {
            Match m = matches.get(node.name());
            if (m != null) {
                builder.add(node.name(), m.op(), m.inputs(), m.parameterOwner());
            } else if (!swallowed.contains(node.name())) {
                builder.add(node.name(), node.op(), node.inputs(), node.parameterOwner());
            }
        }
        return builder.build(graph.outputs().toArray(String[]::new));
    }

    /** The fusion that ends at {@code node}, if {@code node} is a ReLU the rules reach back from. */
    private Optional<Match> match(Node node) {
        boolean relu = node.op() instanceof Relu;
        if (!relu && !(node.op() instanceof Relu6)) {
            return Optional.empty();
        }
        Optional<Node> before = swallowable(node.inputs().getFirst());
        if (before.isEmpty()) {
            return Optional.empty();
        }
        Node previous = before.get();
        return switch (previous.op()) {
            case BatchNorm norm -> Optional.of(new Match(relu ? BatchNormRelu.relu(norm) : BatchNormRelu.relu6(norm),
                    previous.inputs(), previous.parameterOwner(), List.of(previous.name())));
            case Conv2d conv when relu -> Optional.of(new Match(new Conv2dRelu(conv), previous.inputs(),
                    previous.parameterOwner(), List.of(previous.name())));
            case Add _ when relu && previous.inputs().size() == 2 -> addEndingAt(previous);
            default -> Optional.empty();
        };
    }

    /** batch_norm → add → relu: the first of the add's two inputs that is a swallowable batch norm. */
    private Optional<Match> addEndingAt(Node add) {
        for (int i = 0; i < 2; i++) {
            Optional<Node> candidate = swallowable(add.inputs().get(i));
            if (candidate.isPresent() && candidate.get().op() instanceof BatchNorm norm) {
                Node bn = candidate.get();
                String residual = add.inputs().get(1 - i);
                return Optional.of(new Match(new BatchNormAddRelu(norm), List.of(bn.inputs().getFirst(), residual),
                        bn.parameterOwner(), List.of(bn.name(), add.name())));
            }
        }
        return Optional.empty();
    }

    /** The node of that name, when its value may disappear: read exactly once, not kept, not a graph input. */
    private Optional<Node> swallowable(String name) {
        if (graph.isInput(name) || kept.contains(name) || readCounts.getOrDefault(name, 0) != 1) {
            return Optional.empty();
        }
        return Optional.of(graph.node(name));
    }
}
