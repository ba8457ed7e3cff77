package dev.striate.models;

import dev.striate.core.Plural;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.graph.Graph;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A parsed, checked model spec: name, input [C, H, W], class count and layers. {@link #toGraph} gives the core
 * graph (input "input", output the logits [batch, classes]); {@link #json} gives JSON that
 * {@link ModelSpecs#parse} turns back into an equal spec, so a checkpoint can carry the exact architecture.
 */
public final class ModelSpec {
    private final String source;
    private final ObjectNode json;
    private final String name;
    private final int[] input;
    private final int classes;
    private final List<Layer> body;

    ModelSpec(String source, ObjectNode json, String name, int[] input, int classes, List<Layer> body) {
        this.source = source;
        this.json = json;
        this.name = name;
        this.input = input.clone();
        this.classes = classes;
        this.body = List.copyOf(body);
    }

    public String name() {
        return name;
    }

    /** Where the spec came from ("resnet50 (zoo)", a file path), as error messages name it. */
    public String source() {
        return source;
    }

    /** {C, H, W} of one input image. */
    public int[] inputShape() {
        return input.clone();
    }

    public int classes() {
        return classes;
    }

    List<Layer> body() {
        return body;
    }

    /** The same architecture for another number of classes: layers whose out is "classes" change. */
    public ModelSpec withClasses(int newClasses) {
        if (newClasses < 1) {
            throw new SpecException(source + ": the number of classes must be positive, got " + newClasses);
        }
        ObjectNode copy = json.deepCopy();
        copy.put("classes", newClasses);
        return SpecParser.parse(copy, source);
    }

    /** The same architecture for input images of C x H x W; a shape that no longer fits is a SpecException. */
    public ModelSpec withInput(int channels, int height, int width) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new SpecException(source + ": input sizes must be positive, got [" + channels + ", " + height + ", "
                    + width + "]");
        }
        ObjectNode copy = json.deepCopy();
        copy.putArray("input").add(channels).add(height).add(width);
        return SpecParser.parse(copy, source);
    }

    /** The graph for batches of {@code batch} images: input "input" F32 [batch, C, H, W], output [batch, classes]. */
    public Graph toGraph(int batch) {
        if (batch < 1) {
            throw new SpecException(source + ": the batch size must be positive, got " + batch);
        }
        return ModelBuilder.build(this, batch);
    }

    /** The spec as compact JSON, blocks and all, as written (with the current input and classes). */
    public String json() {
        try {
            return SpecParser.MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelSpec s && name.equals(s.name) && Arrays.equals(input, s.input)
                && classes == s.classes && body.equals(s.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(input), classes, body);
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(input) + " -> " + Plural.of(classes, "class", "classes");
    }
}
