package dev.striate.core.graph;

import dev.striate.core.op.Op;
import dev.striate.core.op.ParamSpec;
import dev.striate.core.op.ShapeException;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Graph} one node at a time, inferring each node's shape as it is added, so that a shape error
 * is reported at the node that causes it, with the node's name, its op and the shapes that do not fit.
 */
public final class GraphBuilder {
    private final LinkedHashMap<String, Node> nodes = new LinkedHashMap<>();
    private final LinkedHashMap<String, GraphInput> inputs = new LinkedHashMap<>();

    public String input(String name, Shape shape, DType dtype) {
        requireNewName(name);
        if (!shape.allPositive()) {
            throw new GraphException("input '" + name + "': sizes must be positive, got " + shape);
        }
        if (!shape.fitsOneTensor()) {
            throw new GraphException("input '" + name + "': " + tooLarge(shape));
        }
        inputs.put(name, new GraphInput(name, shape, dtype));
        return name;
    }

    public String input(String name, Shape shape) {
        return input(name, shape, DType.F32);
    }

    /** Adds {@code op} applied to the named inputs; returns the node's name for chaining. */
    public String add(String name, Op op, String... inputNames) {
        return add(name, op, List.of(inputNames));
    }

    public String add(String name, Op op, List<String> inputNames) {
        return add(name, op, inputNames, name);
    }

    /**
     * Adds a node whose parameters are named after {@code parameterOwner} instead of itself: a fused node keeping
     * the parameter names of the node it replaces.
     */
    public String add(String name, Op op, List<String> inputNames, String parameterOwner) {
        requireNewName(name);
        String where = "node '" + name + "' (" + op.typeName() + ")";
        if (inputNames.size() < op.minInputs() || inputNames.size() > op.maxInputs()) {
            String expected = op.minInputs() == op.maxInputs() ? Integer.toString(op.minInputs())
                    : op.maxInputs() == Integer.MAX_VALUE ? "at least " + op.minInputs()
                    : op.minInputs() + " to " + op.maxInputs();
            throw new GraphException(where + ": takes " + expected + " input(s), got " + inputNames.size());
        }
        List<Shape> shapes = new ArrayList<>();
        List<DType> dtypes = new ArrayList<>();
        for (String in : inputNames) {
            if (inputs.containsKey(in)) {
                shapes.add(inputs.get(in).shape());
                dtypes.add(inputs.get(in).dtype());
            } else if (nodes.containsKey(in)) {
                shapes.add(nodes.get(in).shape());
                dtypes.add(nodes.get(in).dtype());
            } else {
                throw new GraphException(where + ": input '" + in + "' is not defined before it");
            }
        }
        Shape out;
        List<Parameter> parameters = new ArrayList<>();
        List<String> warnings;
        try {
            out = op.outputShape(shapes);
            if (!out.allPositive()) {
                throw new ShapeException("output shape " + out + " has a zero or negative size");
            }
            if (!out.fitsOneTensor()) {
                throw new ShapeException("the output " + tooLarge(out));
            }
            for (ParamSpec spec : op.parameters(shapes)) {
                if (!spec.shape().fitsOneTensor()) {
                    throw new ShapeException("the parameter '" + spec.suffix() + "' " + tooLarge(spec.shape()));
                }
                parameters.add(new Parameter(parameterOwner + "." + spec.suffix(), spec));
            }
            warnings = op.warnings(shapes);
        } catch (ShapeException e) {
            throw new GraphException(where + ": " + e.getMessage() + "; input shape" + (shapes.size() == 1
                    ? " " + shapes.getFirst() : "s " + shapes));
        }
        nodes.put(name, new Node(name, op, inputNames, out, op.outputDType(dtypes), parameters, warnings,
                parameterOwner));
        return name;
    }

    private static String tooLarge(Shape shape) {
        long size = shape.size();
        return shape + " has " + (size == Long.MAX_VALUE ? "more than " : "") + size
                + " values, more than one tensor can hold (" + Shape.MAX_ELEMENTS + ")";
    }

    public boolean has(String name) {
        return inputs.containsKey(name) || nodes.containsKey(name);
    }

    public Shape shapeOf(String name) {
        if (inputs.containsKey(name)) {
            return inputs.get(name).shape();
        }
        Node node = nodes.get(name);
        if (node == null) {
            throw new GraphException("'" + name + "' is not defined");
        }
        return node.shape();
    }

    /** The graph, whose outputs are the named nodes (the last node added when none are named). */
    public Graph build(String... outputs) {
        if (nodes.isEmpty()) {
            throw new GraphException("a graph needs at least one node");
        }
        List<String> outs = outputs.length == 0 ? List.of(nodes.sequencedKeySet().getLast()) : List.of(outputs);
        for (String out : outs) {
            if (!nodes.containsKey(out)) {
                throw new GraphException("output '" + out + "' is not a node of the graph");
            }
        }
        return new Graph(List.copyOf(inputs.values()), List.copyOf(nodes.values()), outs);
    }

    private void requireNewName(String name) {
        if (name == null || name.isBlank()) {
            throw new GraphException("node and input names must not be empty");
        }
        if (has(name)) {
            throw new GraphException("the name '" + name + "' is used twice");
        }
    }
}
