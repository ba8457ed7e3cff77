package dev.striate.models;

import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.graph.GraphException;
import dev.striate.core.op.Add;
import dev.striate.core.op.Concat;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the core graph of a spec, naming nodes as torchvision names modules: a layer's name is its parent's name,
 * a dot, and its own name or its position in its list ({@code layer1.0.conv1}, {@code features.3}). Names a spec
 * or a block gives must be unique; names the builder makes up (a residual's {@code add}, a concat's {@code cat})
 * get a suffix {@code _1}, {@code _2} when taken, as torch.fx does.
 */
final class ModelBuilder {
    static final String INPUT = "input";

    private final GraphBuilder graph = new GraphBuilder();
    private final String source;
    /** Where each node was written, to name both places when a name is used twice. */
    private final Map<String, String> writtenAt = new HashMap<>();
    private long nodes;

    private ModelBuilder(String source) {
        this.source = source;
    }

    /** The names in one list of layers: a prefix, and the next position for a layer without a name. */
    private static final class Scope {
        private final String prefix;
        private int position;

        Scope(String prefix) {
            this.prefix = prefix;
        }

        /** The full name of the next layer of this list; the layer takes a position whether named or not. */
        String next(Layer layer) {
            String segment = layer.name() != null ? layer.name() : Integer.toString(position);
            position++;
            return full(segment);
        }

        String full(String segment) {
            return prefix.isEmpty() ? segment : prefix + "." + segment;
        }
    }

    static Graph build(ModelSpec spec, int batch) {
        ModelBuilder builder = new ModelBuilder(spec.source());
        int[] chw = spec.inputShape();
        Shape inputShape = Shape.of(batch, chw[0], chw[1], chw[2]);
        try {
            builder.graph.input(INPUT, inputShape);
        } catch (GraphException e) {
            throw SpecException.at(spec.source(), "input", (batch > 1 ? "a batch of " + batch + " images: " : "")
                    + e.getMessage());
        }
        String output = builder.list(spec.body(), new Scope(""), INPUT);
        if (output.equals(INPUT)) {
            throw SpecException.at(spec.source(), "body", "the body has no layers");
        }
        Shape logits = builder.graph.shapeOf(output);
        if (!logits.equals(Shape.of(batch, spec.classes()))) {
            throw SpecException.at(spec.source(), "body", "the last layer ('" + output + "') gives " + logits
                    + " but the model must give logits [batch, classes] = " + Shape.of(batch, spec.classes())
                    + "; end the body with flatten and a linear layer whose \"out\" is \"classes\"");
        }
        return builder.graph.build(output);
    }

    private String list(List<Layer> layers, Scope scope, String input) {
        String current = input;
        for (Layer layer : layers) {
            current = layer(layer, scope, current);
        }
        return current;
    }

    private String layer(Layer layer, Scope scope, String input) {
        return switch (layer) {
            case OpLayer op -> add(scope.next(op), resolve(op.op(), graph.shapeOf(input)), op.path(), input);
            case SequentialLayer s -> list(s.body(), inner(s, s.inline(), scope), input);
            case ResidualLayer r -> residual(r, inner(r, r.inline(), scope), input);
            case ConcatLayer c -> concat(c, inner(c, c.inline(), scope), input);
            case BuiltinBlock b -> layer(b.expand(graph.shapeOf(input)), scope, input);
        };
    }

    private static Scope inner(Layer layer, boolean inline, Scope scope) {
        return inline ? scope : new Scope(scope.next(layer));
    }

    private String residual(ResidualLayer r, Scope scope, String input) {
        String body = list(r.body(), scope, input);
        String shortcut = list(r.shortcut(), scope, input);
        String sum = add(unique(scope.full("add")), new Add(), r.path(), body, shortcut);
        if (r.activation() == null) {
            return sum;
        }
        OpLayer activation = r.activation();
        String name = activation.name() != null ? scope.full(activation.name())
                : unique(scope.full(activation.op().typeName()));
        return add(name, activation.op(), activation.path(), sum);
    }

    private String concat(ConcatLayer c, Scope scope, String input) {
        List<String> outputs = new ArrayList<>();
        for (List<Layer> branch : c.branches()) {
            outputs.add(list(branch, scope, input));
        }
        return add(unique(scope.full("cat")), new Concat(), c.path(), outputs.toArray(String[]::new));
    }

    /** {@code base}, or base_1, base_2, ... when it is taken. */
    private String unique(String base) {
        String name = base;
        for (int i = 1; graph.has(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    private String add(String name, Op op, String path, String... inputs) {
        if (graph.has(name)) {
            String first = writtenAt.get(name);
            throw SpecException.at(source, path, "the node name '" + Attributes.abbreviate(name) + "' is already used"
                    + (first == null ? "" : " by the layer at " + first) + "; give this layer another \"name\"");
        }
        if (++nodes > SpecLimits.MAX_LAYERS) {
            throw SpecException.at(source, SpecLimits.shortPath(path), "the model " + SpecLimits.tooManyLayers(nodes));
        }
        try {
            graph.add(name, op, inputs);
        } catch (GraphException e) {
            throw SpecException.at(source, path, e.getMessage());
        }
        writtenAt.put(name, path);
        return name;
    }

    /** Puts the input's channel count where a convolution says "in" (see {@link OpLayer#FROM_INPUT}). */
    private static Op resolve(Op op, Shape input) {
        if (op instanceof Conv2d c && (c.outChannels() == OpLayer.FROM_INPUT || c.groups() == OpLayer.FROM_INPUT)) {
            int channels = input.rank() > 1 ? input.channels() : 1;
            return new Conv2d(c.outChannels() == OpLayer.FROM_INPUT ? channels : c.outChannels(), c.window(),
                    c.groups() == OpLayer.FROM_INPUT ? channels : c.groups(), c.bias(), c.weightInit());
        }
        return op;
    }
}
