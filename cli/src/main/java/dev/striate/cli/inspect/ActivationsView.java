package dev.striate.cli.inspect;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.graph.Node;
import dev.striate.core.tensor.Shape;
import dev.striate.core.train.ClassifierGraphs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code inspect activations IMAGE [--layer NAME,...]}: the feature maps of one image at each named node (by default
 * every node with feature maps), one gray tile per channel, each stretched to the full range; a node of shape
 * [1, K] is one strip of K cells.
 */
final class ActivationsView implements InspectView {
    static final int TILE_PIXELS = 64;

    @Override
    public String name() {
        return "activations";
    }

    @Override
    public String usage() {
        return "RUN_DIR|MODEL IMAGE [--layer NAME,...] --out DIR";
    }

    @Override
    public Set<String> options() {
        return Set.of("layer");
    }

    @Override
    public ObjectNode run(InspectedModel model, InspectArguments arguments, OutputFolder out) throws IOException {
        Path imageFile = arguments.image();
        List<Node> nodes = new ArrayList<>();
        for (String name : arguments.layers()) {
            nodes.add(model.node(name));
        }
        if (nodes.isEmpty()) {
            model.graph().nodes().stream().filter(n -> n.shape().rank() == 4).forEach(nodes::add);
        }
        Map<Node, Path> files = new LinkedHashMap<>();
        for (Node node : nodes) {
            files.put(node, out.claim("activations-" + OutputFolder.safe(node.name()) + ".png"));
        }
        float[] image = model.image(imageFile);
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("image", imageFile.toString());
        try (Executor executor = model.executor(1)) {
            executor.feed(ClassifierGraphs.IMAGES, image);
            executor.forward(RunContext.evaluation());
            for (Map.Entry<Node, Path> entry : files.entrySet()) {
                Node node = entry.getKey();
                double[] values = executor.read(node.name());
                Shape shape = node.shape();
                List<Tile> tiles = tiles(values, shape);
                int side = Math.max(tiles.getFirst().height(), tiles.getFirst().width());
                out.writePng(entry.getValue(), TileGrid.render(tiles, TileGrid.squareColumns(tiles.size()),
                        TileGrid.scaleFor(shape.rank() == 4 ? side : 1, shape.rank() == 4 ? TILE_PIXELS : 8)));
                ObjectNode layer = json.withArray("layers").addObject();
                layer.put("layer", node.name());
                for (int dim : shape.dims()) {
                    layer.withArray("shape").add(dim);
                }
                layer.put("file", entry.getValue().toString());
            }
        }
        return json;
    }

    /** One tile per channel of [1, C, H, W]; one strip of a [1, K] vector; one strip per row otherwise. */
    static List<Tile> tiles(double[] values, Shape shape) {
        List<Tile> tiles = new ArrayList<>();
        if (shape.rank() == 4) {
            int plane = shape.height() * shape.width();
            for (int c = 0; c < shape.channels(); c++) {
                tiles.add(Tile.gray(values, c * plane, shape.height(), shape.width()));
            }
        } else {
            tiles.add(Tile.gray(values, 0, 1, values.length));
        }
        return tiles;
    }
}
