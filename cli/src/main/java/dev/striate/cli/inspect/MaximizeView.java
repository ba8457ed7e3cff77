package dev.striate.cli.inspect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.exec.Executor;
import dev.striate.core.graph.Node;
import dev.striate.core.inspect.ActivationMaximizer;
import dev.striate.core.inspect.AscentGoal;
import dev.striate.core.inspect.AscentResult;
import dev.striate.core.tensor.Shape;
import dev.striate.core.train.ClassifierGraphs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code inspect maximize --layer NAME --channel D,...} or {@code --class C,...}: inputs that maximise a channel's
 * ‖h‖² or a class score, by gradient ascent from uniform noise ({@link ActivationMaximizer}); one picture, a grid
 * when several channels or classes are asked for.
 */
final class MaximizeView implements InspectView {
    static final int DEFAULT_STEPS = 100;
    static final double DEFAULT_STEP_SIZE = 0.1;
    static final int IMAGE_PIXELS = 128;

    @Override
    public String name() {
        return "maximize";
    }

    @Override
    public String usage() {
        return "RUN_DIR|MODEL (--layer NAME --channel D,... | --class C,...) [--steps N] [--step-size G] [--l2 L]"
                + " [--seed S] --out DIR";
    }

    @Override
    public Set<String> options() {
        return Set.of("layer", "channel", "class", "steps", "step-size", "l2", "seed");
    }

    @Override
    public ObjectNode run(InspectedModel model, InspectArguments arguments, OutputFolder out) throws IOException {
        arguments.noImage();
        AscentGoal goal = goal(model, arguments);
        String channels = Arrays.stream(goal.channels()).mapToObj(Integer::toString).collect(Collectors.joining("_"));
        Path file = out.claim("maximize-" + (goal.squaredNorm() ? OutputFolder.safe(goal.node()) + "-channel-"
                : "class-") + channels + ".png");
        int steps = arguments.positive("steps", DEFAULT_STEPS);
        double stepSize = arguments.number("step-size", DEFAULT_STEP_SIZE, false);
        double l2 = arguments.number("l2", 0, true);
        AscentResult result;
        try (Executor executor = model.executorWithInputGradient(goal.channels().length)) {
            result = ActivationMaximizer.maximize(executor, ClassifierGraphs.IMAGES, goal, steps, stepSize, l2,
                    arguments.seed());
        }
        if (!Arrays.stream(result.images()).allMatch(Double::isFinite)) {
            throw new UserException("the ascent left the range of numbers (the image grew without bound): lower"
                    + " --step-size (" + stepSize + "), and with --l2 keep 2 x step size x l2 below 1 (it is "
                    + 2 * stepSize * l2 + ")");
        }
        Shape shape = model.graph().input(ClassifierGraphs.IMAGES).shape();
        int item = (int) shape.sizePerItem();
        List<Tile> tiles = new ArrayList<>();
        for (int b = 0; b < goal.channels().length; b++) {
            tiles.add(shape.channels() == 3 ? Tile.rgb(result.images(), b * item, shape.height(), shape.width())
                    : Tile.gray(result.images(), b * item, shape.height(), shape.width(), b * item, item));
        }
        out.writePng(file, TileGrid.render(tiles, TileGrid.squareColumns(tiles.size()),
                TileGrid.scaleFor(Math.max(shape.height(), shape.width()), IMAGE_PIXELS)));
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put(goal.squaredNorm() ? "layer" : "output", goal.node());
        json.put("objective", goal.squaredNorm() ? "squared norm of the channel" : "class score");
        json.put("steps", steps).put("stepSize", stepSize).put("l2", l2);
        json.put("file", file.toString());
        for (int b = 0; b < goal.channels().length; b++) {
            ObjectNode entry = json.withArray(goal.squaredNorm() ? "channels" : "classes").addObject();
            entry.put("index", goal.channels()[b]);
            if (!goal.squaredNorm()) {
                entry.put("name", model.className(goal.channels()[b]));
            }
            double[] trajectory = result.trajectory()[b];
            entry.put("start", trajectory[0]).put("end", trajectory[steps]);
            ArrayNode values = entry.putArray("trajectory");
            Arrays.stream(trajectory).forEach(values::add);
        }
        return json;
    }

    private static AscentGoal goal(InspectedModel model, InspectArguments arguments) {
        boolean byClass = arguments.has("class");
        boolean byLayer = arguments.has("layer") || arguments.has("channel");
        if (byClass == byLayer) {
            throw new UserException("inspect maximize needs either --layer NAME --channel D,... or --class C,...");
        }
        if (byClass) {
            int[] classes = arguments.indices("class");
            for (int c : classes) {
                if (c >= model.classes()) {
                    throw new UserException("--class " + c + " is out of range: " + model.name() + " has "
                            + model.classes() + " classes (0 to " + (model.classes() - 1) + ")");
                }
            }
            return AscentGoal.classScore(model.graph().output(), classes);
        }
        List<String> layers = arguments.layers();
        if (layers.size() != 1 || !arguments.has("channel")) {
            throw new UserException("inspect maximize needs one --layer NAME and --channel D,... (channels of it)");
        }
        Node node = model.node(layers.getFirst());
        if (node.shape().rank() < 2) {
            throw new UserException("--layer '" + node.name() + "' has shape " + node.shape()
                    + " without a channel axis");
        }
        int[] channels = arguments.indices("channel");
        int available = node.shape().dim(1);
        for (int c : channels) {
            if (c >= available) {
                throw new UserException("--channel " + c + " is out of range: '" + node.name() + "' has "
                        + available + " channels (0 to " + (available - 1) + ")");
            }
        }
        return AscentGoal.featureMap(node.name(), channels);
    }
}
