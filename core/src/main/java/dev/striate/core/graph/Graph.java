package dev.striate.core.graph;

import dev.striate.core.op.Op;
import dev.striate.core.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** An immutable DAG of named nodes in topological order, with named inputs and outputs. */
public final class Graph {
    private final List<GraphInput> inputs;
    private final List<Node> nodes;
    private final List<String> outputs;
    private final Map<String, Node> byName = new HashMap<>();
    private final Map<String, GraphInput> inputsByName = new HashMap<>();

    Graph(List<GraphInput> inputs, List<Node> nodes, List<String> outputs) {
        this.inputs = inputs;
        this.nodes = nodes;
        this.outputs = List.copyOf(outputs);
        Set<String> parameterNames = new HashSet<>();
        for (GraphInput in : inputs) {
            inputsByName.put(in.name(), in);
        }
        for (Node node : nodes) {
            byName.put(node.name(), node);
            for (Parameter p : node.parameters()) {
                if (!parameterNames.add(p.name())) {
                    throw new GraphException("parameter name '" + p.name() + "' is used twice; rename node '"
                            + node.name() + "'");
                }
            }
        }
    }

    public List<GraphInput> inputs() {
        return inputs;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<String> outputs() {
        return outputs;
    }

    public String output() {
        return outputs.getFirst();
    }

    public Node node(String name) {
        Node node = byName.get(name);
        if (node == null) {
            throw new GraphException("no node named '" + name + "'");
        }
        return node;
    }

    public boolean isInput(String name) {
        return inputsByName.containsKey(name);
    }

    public GraphInput input(String name) {
        GraphInput in = inputsByName.get(name);
        if (in == null) {
            throw new GraphException("no input named '" + name + "'");
        }
        return in;
    }

    /** The shape of a graph input or a node's output. */
    public Shape shapeOf(String name) {
        return isInput(name) ? inputsByName.get(name).shape() : node(name).shape();
    }

    public List<Shape> inputShapes(Node node) {
        List<Shape> shapes = new ArrayList<>();
        for (String in : node.inputs()) {
            shapes.add(shapeOf(in));
        }
        return shapes;
    }

    /** Every parameter and buffer, in node order. */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Node node : nodes) {
            all.addAll(node.parameters());
        }
        return all;
    }

    /** Warnings per node, in node order; empty when there are none. */
    public Map<String, List<String>> warnings() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (Node node : nodes) {
            if (!node.warnings().isEmpty()) {
                all.put(node.name(), node.warnings());
            }
        }
        return all;
    }

    /** The same graph for another batch size: every input's first dimension replaced, shapes inferred again. */
    public Graph withBatch(int batch) {
        return rebuild(shape -> shape.rank() == 0 ? shape : shape.withDim(0, batch)).build(outputs.toArray(String[]::new));
    }

    /** The same graph with each node's op replaced by {@code replacement}'s answer (the node's own op to keep it). */
    public Graph withOps(Function<Node, Op> replacement) {
        GraphBuilder builder = new GraphBuilder();
        for (GraphInput in : inputs) {
            builder.input(in.name(), in.shape(), in.dtype());
        }
        for (Node node : nodes) {
            builder.add(node.name(), replacement.apply(node), node.inputs(), node.parameterOwner());
        }
        return builder.build(outputs.toArray(String[]::new));
    }

    /** This graph with more nodes to append (a loss on top of a model); the new nodes may read any existing name. */
    public GraphBuilder extend() {
        return rebuild(UnaryOperator.identity());
    }

    private GraphBuilder rebuild(UnaryOperator<Shape> inputShape) {
        GraphBuilder builder = new GraphBuilder();
        for (GraphInput in : inputs) {
            builder.input(in.name(), inputShape.apply(in.shape()), in.dtype());
        }
        for (Node node : nodes) {
            builder.add(node.name(), node.op(), node.inputs(), node.parameterOwner());
        }
        return builder;
    }
}
