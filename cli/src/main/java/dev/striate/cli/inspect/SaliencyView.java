package dev.striate.cli.inspect;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.exec.Executor;
import dev.striate.core.inspect.Saliency;
import dev.striate.core.inspect.SaliencyMap;
import dev.striate.core.tensor.Shape;
import dev.striate.core.train.ClassifierGraphs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code inspect saliency IMAGE [--class C]}: |∂score_c/∂x|, max over channels, as a heat map beside the image as the
 * model sees it; C defaults to the predicted class.
 */
final class SaliencyView implements InspectView {
    static final int IMAGE_PIXELS = 256;

    @Override
    public String name() {
        return "saliency";
    }

    @Override
    public String usage() {
        return "RUN_DIR|MODEL IMAGE [--class C] --out DIR";
    }

    @Override
    public Set<String> options() {
        return Set.of("class");
    }

    @Override
    public ObjectNode run(InspectedModel model, InspectArguments arguments, OutputFolder out) throws IOException {
        Path imageFile = arguments.image();
        int classIndex = -1;
        if (arguments.has("class")) {
            int[] classes = arguments.indices("class");
            if (classes.length != 1 || classes[0] >= model.classes()) {
                throw new UserException("--class must be one class index from 0 to " + (model.classes() - 1)
                        + ", got '" + arguments.line().getOptionValue("class") + "'");
            }
            classIndex = classes[0];
        }
        float[] image = model.image(imageFile);
        SaliencyMap map;
        try (Executor executor = model.executorWithInputGradient(1)) {
            map = Saliency.of(executor, ClassifierGraphs.IMAGES, model.graph().output(), image, classIndex);
        }
        Path file = out.claim("saliency-class-" + map.scoredClass() + ".png");
        Shape shape = model.graph().input(ClassifierGraphs.IMAGES).shape();
        double[] pixels = new double[image.length];
        for (int i = 0; i < image.length; i++) {
            pixels[i] = image[i];
        }
        Tile picture = shape.channels() == 3 ? Tile.rgb(pixels, 0, shape.height(), shape.width())
                : Tile.gray(pixels, 0, shape.height(), shape.width(), 0, pixels.length);
        out.writePng(file, TileGrid.render(List.of(picture, Tile.heat(map.map(), map.height(), map.width())), 2,
                TileGrid.scaleFor(Math.max(shape.height(), shape.width()), IMAGE_PIXELS)));
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("image", imageFile.toString());
        json.put("predictedClass", map.predictedClass());
        json.put("predictedName", model.className(map.predictedClass()));
        json.put("class", map.scoredClass());
        json.put("className", model.className(map.scoredClass()));
        json.put("score", map.score());
        json.put("maxSaliency", Arrays.stream(map.map()).max().orElse(0));
        json.put("file", file.toString());
        return json;
    }
}
