package dev.striate.core.exec;

import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which nodes reverse-mode autodiff visits, and in what order: those that lie on a path from something needing a
 * gradient (a trainable parameter, or an input whose gradient was asked for) to the node being differentiated.
 */
record BackwardPlan(List<Node> reverseOrder, Set<String> carriesGradient) {

    static BackwardPlan of(Graph graph, String target, Set<String> inputsNeedingGradient) {
        Set<String> ancestors = new HashSet<>();
        ancestors.add(target);
        List<Node> nodes = graph.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            if (ancestors.contains(node.name())) {
                ancestors.addAll(node.inputs());
            }
        }
        Set<String> carries = new HashSet<>(inputsNeedingGradient);
        for (Node node : nodes) {
            boolean hasTrainable = node.parameters().stream().anyMatch(p -> p.trainable());
            boolean fromInput = false;
            for (int i = 0; i < node.inputs().size(); i++) {
                fromInput |= node.op().isDifferentiable(i) && carries.contains(node.inputs().get(i));
            }
            if (hasTrainable || fromInput) {
                carries.add(node.name());
            }
        }
        List<Node> order = new ArrayList<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            if (ancestors.contains(node.name()) && carries.contains(node.name())) {
                order.add(node);
            }
        }
        carries.retainAll(ancestors);
        return new BackwardPlan(List.copyOf(order), Set.copyOf(carries));
    }

    /** Whether backward of {@code node} computes the gradient of its input at {@code position}. */
    boolean wantsGradient(Node node, int position) {
        return node.op().isDifferentiable(position) && carriesGradient.contains(node.inputs().get(position));
    }
}
