package dev.striate.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.Suggestions;
import dev.striate.core.UserException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** The JSON form of a {@link TransformPipeline}; the keys are listed in its class comment. */
final class TransformJson {
    /**
     * The largest side a transform may resize or crop to: eight times ImageNet's 1024-pixel originals; one such image
     * in floats is already 256 MB, and more would end in running out of memory while loading.
     */
    static final int MAX_SIDE = 8192;
    private static final Set<String> KEYS = Set.of("channels", "size", "resize", "centerCrop", "randomResizedCrop",
            "flip", "normalize");

    private TransformJson() {
    }

    /** {@code base} with the keys of {@code json} overriding its settings; unknown keys are an error. */
    static TransformPipeline read(JsonNode json, TransformPipeline base) {
        if (json == null || json.isNull()) {
            return base;
        }
        if (!json.isObject()) {
            throw new UserException("transform: expected a JSON object, got " + json);
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new UserException("transform: unknown key '" + name + "'" + Suggestions.didYouMean(name, KEYS)
                        + "; valid keys: "
                        + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        int channels = json.has("channels") ? positiveInt(json.get("channels"), "channels") : base.channels();
        int[] size = json.has("size") ? pair(json.get("size"), "size", false)
                : new int[] {base.height(), base.width()};
        int resize = json.has("resize") ? nonNegativeInt(json.get("resize"), "resize") : base.resizeShorter();
        requireSide(size[0], "size");
        requireSide(size[1], "size");
        requireSide(resize, "resize");
        int[] crop = json.has("centerCrop") ? pair(json.get("centerCrop"), "centerCrop", true)
                : new int[] {base.cropHeight(), base.cropWidth()};
        requireSide(crop[0], "centerCrop");
        requireSide(crop[1], "centerCrop");
        RandomResizedCrop randomCrop = json.has("randomResizedCrop")
                ? randomResizedCrop(json.get("randomResizedCrop")) : base.randomResizedCrop();
        double flip = json.has("flip") ? number(json.get("flip"), "flip") : base.flipProbability();
        Normalization normalization;
        if (json.has("normalize")) {
            normalization = normalization(json.get("normalize"), channels);
        } else if (channels != base.channels() && base.normalization() != null) {
            normalization = Normalization.defaults(channels);
        } else {
            normalization = base.normalization();
        }
        return new TransformPipeline(channels, size[0], size[1], resize, crop[0], crop[1], randomCrop, flip,
                normalization);
    }

    /** The JSON form of every setting of {@code pipeline}, readable by {@link #read}. */
    static ObjectNode write(TransformPipeline pipeline) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("channels", pipeline.channels());
        json.putArray("size").add(pipeline.height()).add(pipeline.width());
        json.put("resize", pipeline.resizeShorter());
        json.putArray("centerCrop").add(pipeline.cropHeight()).add(pipeline.cropWidth());
        RandomResizedCrop randomCrop = pipeline.randomResizedCrop();
        if (randomCrop == null) {
            json.put("randomResizedCrop", false);
        } else {
            ObjectNode crop = json.putObject("randomResizedCrop");
            crop.putArray("scale").add(randomCrop.scaleMin()).add(randomCrop.scaleMax());
            crop.putArray("ratio").add(randomCrop.ratioMin()).add(randomCrop.ratioMax());
        }
        json.put("flip", pipeline.flipProbability());
        Normalization normalization = pipeline.normalization();
        if (normalization == null) {
            json.put("normalize", false);
        } else {
            ObjectNode normalize = json.putObject("normalize");
            normalization.mean().forEach(normalize.putArray("mean")::add);
            normalization.std().forEach(normalize.putArray("std")::add);
        }
        return json;
    }

    private static void requireSide(int pixels, String key) {
        if (pixels > MAX_SIDE) {
            throw new UserException("transform: " + key + " " + pixels + " is more than " + MAX_SIDE
                    + " pixels a side; images this large would not fit in memory while loading");
        }
    }

    private static RandomResizedCrop randomResizedCrop(JsonNode node) {
        if (node.isBoolean()) {
            return node.booleanValue() ? RandomResizedCrop.imagenet() : null;
        }
        if (!node.isObject()) {
            throw new UserException("transform: randomResizedCrop must be true, false or {\"scale\": [min, max], "
                    + "\"ratio\": [min, max]}, got " + node);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!name.equals("scale") && !name.equals("ratio")) {
                throw new UserException("transform: randomResizedCrop has unknown key '" + name
                        + "'; valid keys: ratio, scale");
            }
        }
        RandomResizedCrop defaults = RandomResizedCrop.imagenet();
        double[] scale = node.has("scale") ? range(node.get("scale"), "randomResizedCrop.scale")
                : new double[] {defaults.scaleMin(), defaults.scaleMax()};
        double[] ratio = node.has("ratio") ? range(node.get("ratio"), "randomResizedCrop.ratio")
                : new double[] {defaults.ratioMin(), defaults.ratioMax()};
        return new RandomResizedCrop(scale[0], scale[1], ratio[0], ratio[1]);
    }

    private static Normalization normalization(JsonNode node, int channels) {
        if (node.isBoolean()) {
            return node.booleanValue() ? Normalization.defaults(channels) : null;
        }
        if (!node.isObject() || !node.has("mean") || !node.has("std") || node.size() != 2) {
            throw new UserException("transform: normalize must be true, false or {\"mean\": [...], \"std\": [...]}"
                    + ", got " + node);
        }
        return new Normalization(numbers(node.get("mean"), "normalize.mean"),
                numbers(node.get("std"), "normalize.std"));
    }

    private static int[] pair(JsonNode node, String key, boolean zeroAllowed) {
        if (node.isArray() && node.size() == 2) {
            int h = zeroAllowed ? nonNegativeInt(node.get(0), key) : positiveInt(node.get(0), key);
            int w = zeroAllowed ? nonNegativeInt(node.get(1), key) : positiveInt(node.get(1), key);
            return new int[] {h, w};
        }
        if (node.isBoolean() && zeroAllowed && !node.booleanValue()) {
            return new int[] {0, 0};
        }
        int side = zeroAllowed ? nonNegativeInt(node, key) : positiveInt(node, key);
        return new int[] {side, side};
    }

    private static double[] range(JsonNode node, String key) {
        List<Double> values = numbers(node, key);
        if (values.size() != 2) {
            throw new UserException("transform: " + key + " must be [min, max], got " + node);
        }
        return new double[] {values.get(0), values.get(1)};
    }

    private static List<Double> numbers(JsonNode node, String key) {
        if (!node.isArray()) {
            throw new UserException("transform: " + key + " must be an array of numbers, got " + node);
        }
        List<Double> values = new ArrayList<>();
        for (JsonNode element : node) {
            values.add(number(element, key));
        }
        return values;
    }

    private static double number(JsonNode node, String key) {
        if (!node.isNumber()) {
            throw new UserException("transform: " + key + " must be a number, got " + node);
        }
        return node.doubleValue();
    }

    private static int positiveInt(JsonNode node, String key) {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1) {
            throw new UserException("transform: " + key + " must be a positive integer, got " + node);
        }
        return node.intValue();
    }

    private static int nonNegativeInt(JsonNode node, String key) {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            throw new UserException("transform: " + key + " must be a non-negative integer, got " + node);
        }
        return node.intValue();
    }
}
