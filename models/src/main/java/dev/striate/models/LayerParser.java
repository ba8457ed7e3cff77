package dev.striate.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.Suggestions;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Initializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns the JSON of layers into {@link Layer}s: op layers (see {@link OpParser}), compositions (sequential,
 * residual, concat, repeat, stage), built-in blocks, and uses of the spec's own blocks.
 */
final class LayerParser {
    /** Composite and built-in layer types with their attributes (besides type, name and comment). */
    static final Map<String, List<String>> ATTRIBUTES = attributes();

    /** The blocks a stage can repeat, with the attribute that takes the stage's width. */
    private static final Map<String, String> STAGE_BLOCKS = Map.of("basic_block", "width", "bottleneck", "width",
            "inverted_residual", "out", "depthwise_separable", "out");
    private static final List<String> STAGE_KEYS = List.of("type", "name", "comment", "inline", "block", "width",
            "count", "stride");

    /** Ops that are no layer of their own, and how to write them instead. */
    private static final Map<String, String> NOT_LAYERS = Map.of(
            "add", "sums are written as a \"residual\" (a body plus a shortcut)",
            "softmax_cross_entropy", "it is the training loss, which striate train adds after the model's logits");

    /** torchvision's GoogLeNet: N(0, 0.01) truncated at ±2, which at 200 standard deviations never cuts. */
    private static final Initializer GOOGLENET_INIT = new Initializer.Normal(0.01);

    private final String source;
    private final int classes;
    private final BlockLibrary blocks;
    /** How deep the layer being parsed is, block uses included; bounded by {@link SpecLimits#MAX_NESTING}. */
    private int depth;

    LayerParser(String source, int classes, BlockLibrary blocks) {
        this.source = source;
        this.classes = classes;
        this.blocks = blocks;
    }

    private static Map<String, List<String>> attributes() {
        Map<String, List<String>> a = new LinkedHashMap<>();
        a.put("sequential", List.of("body", "inline"));
        a.put("residual", List.of("body", "shortcut", "activation", "inline"));
        a.put("concat", List.of("branches", "inline"));
        a.put("repeat", List.of("n", "body", "inline"));
        a.put("stage", List.of("block", "width", "count", "stride", "inline"));
        a.put("vgg_block", List.of("convs", "out", "batch_norm", "init", "inline"));
        a.put("basic_block", List.of("width", "stride", "init", "inline"));
        a.put("bottleneck", List.of("width", "stride", "groups", "base_width", "init", "inline"));
        a.put("depthwise_separable", List.of("out", "stride", "init", "inline"));
        a.put("inverted_residual", List.of("out", "stride", "expansion", "init", "inline"));
        a.put("inception", List.of("ch1x1", "ch3x3red", "ch3x3", "ch5x5red", "ch5x5", "pool_proj", "branch3_kernel",
                "batch_norm", "init", "inline"));
        return Map.copyOf(a);
    }

    /** Every layer type a spec may name, sorted. */
    static TreeSet<String> layerTypes() {
        TreeSet<String> types = new TreeSet<>(OpParser.ATTRIBUTES.keySet());
        types.addAll(ATTRIBUTES.keySet());
        return types;
    }

    /** The layers of a JSON list found at {@code path} ("body"); item i is at path[i]. */
    List<Layer> list(List<JsonNode> items, String path) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            layers.add(layer(items.get(i), path + "[" + i + "]"));
        }
        return layers;
    }

    Layer layer(JsonNode json, String path) {
        if (depth >= SpecLimits.MAX_NESTING) {
            throw SpecException.at(source, SpecLimits.shortPath(path), "layers nest more than "
                    + SpecLimits.MAX_NESTING + " deep (compositions and block uses inside each other)");
        }
        depth++;
        try {
            return parseLayer(json, path);
        } finally {
            depth--;
        }
    }

    private Layer parseLayer(JsonNode json, String path) {
        if (!json.isObject()) {
            throw SpecException.at(source, path, "a layer must be a JSON object such as {\"type\": \"relu\"}, got "
                    + Attributes.describe(json));
        }
        ObjectNode node = (ObjectNode) json;
        if (node.has("use")) {
            if (node.has("type")) {
                throw SpecException.at(source, path, "a layer has either \"type\" (a layer type) or \"use\" "
                        + "(a block declared under \"blocks\"), not both");
            }
            return blocks.use(node, path, this);
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw SpecException.at(source, path, "a layer needs \"type\" (one of: " + String.join(", ", layerTypes())
                    + ") or \"use\" (a block declared under \"blocks\")");
        }
        String type = typeNode.asText();
        if (OpParser.ATTRIBUTES.containsKey(type)) {
            Attributes a = open(node, path, type, OpParser.ATTRIBUTES.get(type));
            return new OpLayer(a.name(), path, OpParser.parse(type, a, classes));
        }
        if (type.equals("stage")) {
            return stage(node, path);
        }
        if (ATTRIBUTES.containsKey(type)) {
            return composite(type, open(node, path, type, ATTRIBUTES.get(type)));
        }
        if (NOT_LAYERS.containsKey(type)) {
            throw SpecException.at(source, path + ".type", "'" + type + "' is not a layer: " + NOT_LAYERS.get(type));
        }
        throw SpecException.at(source, path + ".type", "unknown layer type '" + Attributes.abbreviate(type) + "'"
                + Suggestions.didYouMean(type, layerTypes()) + "; valid types: " + String.join(", ", layerTypes()));
    }

    private Attributes open(ObjectNode node, String path, String type, List<String> attributes) {
        List<String> allowed = new ArrayList<>(attributes);
        allowed.add("type");
        allowed.add("name");
        return new Attributes(source, path, type, node, allowed);
    }

    private Layer composite(String type, Attributes a) {
        String path = a.path();
        // Built-in blocks initialize their convolutions as torchvision's models do, unless "init" says otherwise.
        Initializer convInit = a.initializer("init", type.equals("inception") ? GOOGLENET_INIT
                : Conv2d.TORCHVISION_INIT, false);
        return switch (type) {
            case "sequential" -> new SequentialLayer(a.name(), path, nonEmpty(a, "body"), a.inline(false));
            case "residual" -> new ResidualLayer(a.name(), path, nonEmpty(a, "body"), shortcut(a), activation(a),
                    a.inline(false));
            case "concat" -> concat(a);
            case "repeat" -> {
                int n = a.integer("n", 1);
                List<Layer> body = nonEmpty(a, "body");
                long expanded = n * SpecLimits.layers(body);
                a.check("n", expanded <= SpecLimits.MAX_LAYERS, "repeating the body " + n + " times "
                        + SpecLimits.tooManyLayers(expanded));
                List<Layer> copies = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    copies.addAll(body);
                }
                yield new SequentialLayer(a.name(), path, copies, a.inline(false));
            }
            case "vgg_block" -> {
                VggBlock block = new VggBlock(a.name(), path, a.inline(true), a.integer("convs", 1),
                        a.integer("out", 1), a.bool("batch_norm", false), convInit);
                long expanded = SpecLimits.layers(block);
                a.check("convs", expanded <= SpecLimits.MAX_LAYERS, "a vgg_block of " + block.convs()
                        + " convolutions " + SpecLimits.tooManyLayers(expanded));
                yield block;
            }
            case "basic_block" -> new BasicBlock(a.name(), path, a.inline(false), a.integer("width", 1),
                    a.integer("stride", 1, 1), convInit);
            case "bottleneck" -> new Bottleneck(a.name(), path, a.inline(false), a.integer("width", 1),
                    a.integer("stride", 1, 1), a.integer("groups", 1, 1), a.integer("base_width", 64, 1), convInit);
            case "depthwise_separable" -> new DepthwiseSeparable(a.name(), path, a.inline(false),
                    a.integer("out", 1), a.integer("stride", 1, 1), convInit);
            case "inverted_residual" -> {
                double expansion = a.number("expansion", 6);
                a.check("expansion", expansion > 0, "must be positive, got " + expansion);
                yield new InvertedResidual(a.name(), path, a.inline(false), a.integer("out", 1),
                        a.integer("stride", 1, 1), expansion, convInit);
            }
            case "inception" -> {
                int kernel = a.integer("branch3_kernel", 3, 1);
                a.check("branch3_kernel", kernel % 2 == 1, "must be odd (the padding keeps the size), got " + kernel);
                yield new Inception(a.name(), path, a.inline(false), a.integer("ch1x1", 1), a.integer("ch3x3red", 1),
                        a.integer("ch3x3", 1), a.integer("ch5x5red", 1), a.integer("ch5x5", 1),
                        a.integer("pool_proj", 1), kernel, a.bool("batch_norm", true), convInit);
            }
            default -> throw new IllegalArgumentException("not a composite layer type: " + type);
        };
    }

    private List<Layer> nonEmpty(Attributes a, String key) {
        List<JsonNode> items = a.list(key, true);
        if (items.isEmpty()) {
            throw a.error(key, "must hold at least one layer");
        }
        return list(items, a.path() + "." + key);
    }

    /** A layer or a list of layers; absent means the identity. */
    private List<Layer> shortcut(Attributes a) {
        if (!a.has("shortcut")) {
            return List.of();
        }
        JsonNode value = a.get("shortcut");
        return value.isArray() ? list(a.list("shortcut", true), a.path() + ".shortcut")
                : List.of(layer(value, a.path() + ".shortcut"));
    }

    /** An op layer type name ("relu") or an op layer object ({"type": "leaky_relu", "slope": 0.1}). */
    private OpLayer activation(Attributes a) {
        if (!a.has("activation")) {
            return null;
        }
        JsonNode value = a.get("activation");
        String path = a.path() + ".activation";
        ObjectNode node = value.isTextual() ? JsonNodeFactory.instance.objectNode().put("type", value.asText())
                : value.isObject() ? (ObjectNode) value : null;
        boolean isOp = node != null && node.has("type") && OpParser.ATTRIBUTES.containsKey(node.get("type").asText());
        if (!isOp || !(layer(node, path) instanceof OpLayer activation)) {
            throw a.error("activation", "must be an op layer type such as \"relu\" or an object such as "
                    + "{\"type\": \"leaky_relu\", \"slope\": 0.1}, got " + Attributes.describe(value));
        }
        return activation;
    }

    private Layer concat(Attributes a) {
        List<JsonNode> items = a.list("branches", true);
        if (items.size() < 2) {
            throw a.error("branches", "a concat needs at least two branches, got " + items.size());
        }
        List<List<Layer>> branches = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = a.path() + ".branches[" + i + "]";
            JsonNode branch = items.get(i);
            List<JsonNode> layers = new ArrayList<>();
            branch.forEach(layers::add);
            branches.add(branch.isArray() ? list(layers, path) : List.of(layer(branch, path)));
        }
        return new ConcatLayer(a.name(), a.path(), branches, a.inline(false));
    }

    /**
     * {@code count} blocks of one type, the first with {@code stride} and the rest with stride 1, each getting the
     * stage's other attributes (groups, base_width, expansion, init): ResNet's conv2_x to conv5_x rows.
     */
    private Layer stage(ObjectNode node, String path) {
        JsonNode blockNode = node.get("block");
        if (blockNode == null || !blockNode.isTextual() || !STAGE_BLOCKS.containsKey(blockNode.asText())) {
            String given = blockNode == null ? "nothing" : Attributes.describe(blockNode);
            throw SpecException.at(source, path + ".block", "a stage repeats one of "
                    + String.join(", ", new TreeSet<>(STAGE_BLOCKS.keySet())) + ", got " + given
                    + (blockNode != null && blockNode.isTextual()
                    ? Suggestions.didYouMean(blockNode.asText(), STAGE_BLOCKS.keySet()) : ""));
        }
        String block = blockNode.asText();
        String widthKey = STAGE_BLOCKS.get(block);
        List<String> allowed = new ArrayList<>(ATTRIBUTES.get("stage"));
        ATTRIBUTES.get(block).stream().filter(k -> !k.equals(widthKey) && !k.equals("stride")
                && !k.equals("inline")).forEach(allowed::add);
        Attributes a = open(node, path, "stage of " + block, allowed);
        int count = a.integer("count", 1);
        int stride = a.integer("stride", 1, 1);
        JsonNode width = a.required("width");
        boolean inline = a.inline(false);
        a.check("count", count <= SpecLimits.MAX_LAYERS, "a stage of " + count + " blocks "
                + SpecLimits.tooManyLayers(count));
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode blockSpec = JsonNodeFactory.instance.objectNode();
            node.properties().stream().filter(e -> !STAGE_KEYS.contains(e.getKey()))
                    .forEach(e -> blockSpec.set(e.getKey(), e.getValue()));
            blockSpec.put("type", block).put("stride", i == 0 ? stride : 1).set(widthKey, width);
            layers.add(layer(blockSpec, path));
        }
        return new SequentialLayer(a.name(), path, layers, inline);
    }
}
