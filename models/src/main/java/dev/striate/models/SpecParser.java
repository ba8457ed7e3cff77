package dev.striate.models;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.JsonProblems;
import java.util.List;

/**
 * Reads a spec's JSON into a {@link ModelSpec}: syntax (errors at file:line:column), the model's own attributes,
 * its blocks and its body; then builds the graph once, so that a shape that does not fit is reported on loading.
 */
final class SpecParser {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SpecParser() {
    }

    static ModelSpec parse(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            String place = where == null ? source : source + ":" + where.getLineNr() + ":" + where.getColumnNr();
            throw new SpecException(place + ": malformed JSON: " + JsonProblems.describe(e), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new SpecException(source + ": is empty; a spec is a JSON object with name, input, classes and body");
        }
        if (!root.isObject()) {
            throw new SpecException(source + ": a spec is a JSON object with name, input, classes and body, got "
                    + Attributes.describe(root));
        }
        return parse((ObjectNode) root, source);
    }

    static ModelSpec parse(ObjectNode root, String source) {
        Attributes a = new Attributes(source, "", "a model spec", root,
                List.of("name", "input", "classes", "blocks", "body"));
        String name = a.text("name");
        JsonNode input = a.required("input");
        if (!input.isArray() || input.size() != 3) {
            throw a.error("input", "must be [channels, height, width], got " + Attributes.describe(input));
        }
        int[] chw = new int[3];
        String[] axes = {"channels", "height", "width"};
        for (int i = 0; i < 3; i++) {
            JsonNode d = input.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 1) {
                throw a.error("input[" + i + "]", "the " + axes[i] + " must be a positive integer, got "
                        + Attributes.describe(d));
            }
            chw[i] = d.asInt();
        }
        int classes = a.integer("classes", 1);
        BlockLibrary blocks = BlockLibrary.read(source, a.get("blocks"));
        List<JsonNode> body = a.list("body", true);
        if (body.isEmpty()) {
            throw a.error("body", "must hold at least one layer");
        }
        List<Layer> layers = new LayerParser(source, classes, blocks).list(body, "body");
        ModelSpec spec = new ModelSpec(source, root.deepCopy(), name, chw, classes, layers);
        ModelBuilder.build(spec, 1);
        return spec;
    }
}
