package dev.striate.cli.inspect;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.graph.Node;
import dev.striate.core.graph.Parameter;
import dev.striate.core.op.Conv2d;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code inspect filters [--layer NAME]}: a convolution's kernels as a grid of tiles, as in the pictures of LeNet's and
 * AlexNet's first layers. A filter over three input channels is one RGB tile; any other is one gray tile per input
 * channel, a row per filter. Each filter is stretched to the full range for display, over all its channels together.
 */
final class FiltersView implements InspectView {
    /** Tiles are drawn about this many pixels wide. */
    static final int TILE_PIXELS = 40;

    @Override
    public String name() {
        return "filters";
    }

    @Override
    public String usage() {
        return "RUN_DIR|MODEL [--layer NAME] --out DIR";
    }

    @Override
    public Set<String> options() {
        return Set.of("layer");
    }

    @Override
    public ObjectNode run(InspectedModel model, InspectArguments arguments, OutputFolder out) throws IOException {
        arguments.noImage();
        List<String> layers = arguments.layers();
        if (layers.size() > 1) {
            throw new UserException("inspect filters draws one layer; give one --layer, got " + layers);
        }
        Node node = layers.isEmpty() ? firstConvolution(model) : model.node(layers.getFirst());
        if (!(node.op() instanceof Conv2d)) {
            throw new UserException("--layer '" + node.name() + "' is a " + node.op().getClass().getSimpleName()
                    + ", not a convolution; convolutions of " + model.name() + ": " + convolutions(model));
        }
        Parameter weight = node.parameters().getFirst();
        Path file = out.claim("filters-" + OutputFolder.safe(node.name()) + ".png");
        int[] shape = weight.spec().shape().dims();
        double[] weights = model.store().read(weight.name());
        int columns = columns(shape[0], shape[1]);
        out.writePng(file, TileGrid.render(tiles(weights, shape[0], shape[1], shape[2], shape[3]), columns,
                TileGrid.scaleFor(Math.max(shape[2], shape[3]), TILE_PIXELS)));
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("layer", node.name());
        json.put("parameter", weight.name());
        for (int dim : shape) {
            json.withArray("shape").add(dim);
        }
        json.put("file", file.toString());
        return json;
    }

    /** One RGB tile per filter of three input channels, else one gray tile per filter and input channel. */
    static List<Tile> tiles(double[] weights, int filters, int inputs, int height, int width) {
        int plane = height * width;
        int perFilter = inputs * plane;
        List<Tile> tiles = new ArrayList<>();
        for (int f = 0; f < filters; f++) {
            if (inputs == 3) {
                tiles.add(Tile.rgb(weights, f * perFilter, height, width));
            } else {
                for (int c = 0; c < inputs; c++) {
                    tiles.add(Tile.gray(weights, f * perFilter + c * plane, height, width, f * perFilter, perFilter));
                }
            }
        }
        return tiles;
    }

    /** A square-ish grid of single tiles per filter, or one row per filter of its input channels. */
    static int columns(int filters, int inputs) {
        return inputs == 3 || inputs == 1 ? TileGrid.squareColumns(filters) : inputs;
    }

    private static Node firstConvolution(InspectedModel model) {
        return model.graph().nodes().stream().filter(n -> n.op() instanceof Conv2d).findFirst()
                .orElseThrow(() -> new UserException(model.name() + " has no convolution to draw the filters of"));
    }

    private static String convolutions(InspectedModel model) {
        List<String> names = model.graph().nodes().stream().filter(n -> n.op() instanceof Conv2d).map(Node::name)
                .toList();
        return names.isEmpty() ? "none" : String.join(", ", names.subList(0, Math.min(10, names.size())))
                + (names.size() > 10 ? ", ..." : "");
    }
}
