package dev.striate.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import java.util.SplittableRandom;

/**
 * How one decoded image becomes {@code channels x height x width} floats. In order: convert to
 * {@code channels} (gray to RGB by repetition, RGB to gray by luma); then either a random resized crop to the
 * output size, or a resize of the shorter side to {@code resizeShorter} (0: none) followed by a center crop of
 * {@code cropHeight x cropWidth} (0: none) and, if the size still differs, a resize to the output size; then a
 * horizontal flip with probability {@code flipProbability}; then values scaled to 0..1 and, with a
 * normalization, {@code (v - mean) / std} per channel. Resizing is PIL's antialiased bilinear filter.
 *
 * <p>JSON form ({@link #fromJson}, {@link #toJson}), every key optional, overriding a base pipeline:
 * <pre>
 * {"channels": 3, "size": [224, 224] or 224, "resize": 256, "centerCrop": [224, 224] or 224 or 0,
 *  "randomResizedCrop": false | true | {"scale": [0.08, 1.0], "ratio": [0.75, 1.3333]},
 *  "flip": 0.5, "normalize": false | true | {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}}
 * </pre>
 * {@code "normalize": true} means {@link Normalization#defaults} for the channel count.
 */
public record TransformPipeline(int channels, int height, int width, int resizeShorter, int cropHeight,
        int cropWidth, RandomResizedCrop randomResizedCrop, double flipProbability, Normalization normalization) {
    public TransformPipeline {
        if (channels != 1 && channels != 3) {
            throw new UserException("transform: channels must be 1 or 3, got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new UserException("transform: size must be positive, got " + height + "x" + width);
        }
        if (resizeShorter < 0) {
            throw new UserException("transform: resize must be 0 (none) or a positive size, got " + resizeShorter);
        }
        if (cropHeight < 0 || cropWidth < 0 || (cropHeight == 0) != (cropWidth == 0)) {
            throw new UserException("transform: centerCrop must be 0 (none) or a positive size, got " + cropHeight
                    + "x" + cropWidth);
        }
        if (!(flipProbability >= 0 && flipProbability <= 1)) {
            throw new UserException("transform: flip must be a probability between 0 and 1, got " + flipProbability);
        }
        if (normalization != null && normalization.mean().size() != channels) {
            throw new UserException("transform: normalize has " + normalization.mean().size()
                    + " means and stds but the images have " + channels + " channels");
        }
    }

    /** ImageNet training: random resized crop (8-100% area, ratio 3/4-4/3), flip with probability 0.5. */
    public static TransformPipeline train(int channels, int height, int width) {
        return new TransformPipeline(channels, height, width, 0, 0, 0, RandomResizedCrop.imagenet(), 0.5,
                Normalization.defaults(channels));
    }

    /** ImageNet evaluation: shorter side to 256/224 of the size (256 for 224), then a center crop. */
    public static TransformPipeline evaluation(int channels, int height, int width) {
        int resize = (int) Math.round(Math.min(height, width) * 256.0 / 224.0);
        return new TransformPipeline(channels, height, width, resize, height, width, null, 0,
                Normalization.defaults(channels));
    }

    /** No augmentation: resized to the size only if it differs (MNIST-like data), then normalized. */
    public static TransformPipeline plain(int channels, int height, int width) {
        return new TransformPipeline(channels, height, width, 0, 0, 0, null, 0, Normalization.defaults(channels));
    }

    /** Floats per image: channels x height x width. */
    public int itemSize() {
        return channels * height * width;
    }

    /**
     * Writes the transformed image to {@code out[offset .. offset + itemSize())}. Every random choice comes
     * from {@code random}, so a given generator state gives the same floats on any thread.
     */
    public void apply(DecodedImage image, SplittableRandom random, float[] out, int offset) {
        render(image, 8, plan(image.height(), image.width(), random), out, offset);
    }

    /**
     * What to take from an image of {@code imageHeight x imageWidth} (full size), with every random draw made:
     * the crop window, the size it is resized to, the center crop and the flip.
     */
    TransformPlan plan(int imageHeight, int imageWidth, SplittableRandom random) {
        TransformPlan plan;
        if (randomResizedCrop != null) {
            plan = new TransformPlan(randomResizedCrop.choose(imageHeight, imageWidth, random), height, width,
                    new CropWindow(0, 0, height, width), false);
        } else {
            // No resize and no crop: the image is resized to the output size at once.
            boolean plain = resizeShorter == 0 && cropHeight == 0;
            int resizedHeight = plain ? height : imageHeight;
            int resizedWidth = plain ? width : imageWidth;
            if (resizeShorter > 0) {
                // torchvision's Resize(int): the shorter side becomes the size, the longer keeps the aspect, truncated.
                boolean tall = imageHeight > imageWidth;
                resizedHeight = Math.max(tall ? (int) ((long) resizeShorter * imageHeight / imageWidth)
                        : resizeShorter, 1);
                resizedWidth = Math.max(tall ? resizeShorter : (int) ((long) resizeShorter * imageWidth
                        / imageHeight), 1);
            }
            CropWindow region = cropHeight == 0 ? new CropWindow(0, 0, resizedHeight, resizedWidth)
                    : new CropWindow(centerOffset(resizedHeight, cropHeight), centerOffset(resizedWidth, cropWidth),
                            cropHeight, cropWidth);
            plan = new TransformPlan(new CropWindow(0, 0, imageHeight, imageWidth), resizedHeight, resizedWidth,
                    region, false);
        }
        boolean flip = flipProbability > 0 && random.nextDouble() < flipProbability;
        return new TransformPlan(plan.window(), plan.resizedHeight(), plan.resizedWidth(), plan.region(), flip);
    }

    /**
     * Carries out {@code plan} on {@code image}, decoded at {@code eighths}/8 of the size the plan was made for
     * (a JPEG decoded with a scaled DCT), into {@code out[offset .. offset + itemSize())}.
     */
    void render(DecodedImage image, int eighths, TransformPlan plan, float[] out, int offset) {
        double scale = eighths / 8.0;
        CropWindow window = plan.window();
        CropWindow region = plan.region();
        float[] pixels = Resampler.resize(image, window.top() * scale, window.left() * scale,
                window.height() * scale, window.width() * scale, plan.resizedHeight(), plan.resizedWidth(),
                region);
        if (region.height() != height || region.width() != width) {
            pixels = Resampler.resize(pixels, region.height(), region.width(), image.channels(), height, width);
        }
        writePlanes(pixels, image.channels(), plan.flip(), out, offset);
    }

    /**
     * Interleaved 0..255 values with {@code sourceChannels} to normalized channel planes: gray is repeated into R,
     * G and B; RGB becomes the ITU-R 601-2 luma 0.299 R + 0.587 G + 0.114 B (as PIL's convert("L")).
     */
    private void writePlanes(float[] pixels, int sourceChannels, boolean flip, float[] out, int offset) {
        int plane = height * width;
        boolean luma = sourceChannels == 3 && channels == 1;
        for (int c = 0; c < channels; c++) {
            float mean = normalization == null ? 0 : normalization.mean().get(c).floatValue();
            float std = normalization == null ? 1 : normalization.std().get(c).floatValue();
            // (value / 255 - mean) / std as one multiply and one add: divisions would cost more than the rest.
            float scale = 1 / (255 * std);
            float shift = -mean / std;
            int source = sourceChannels == channels ? c : 0;
            for (int y = 0; y < height; y++) {
                int target = offset + c * plane + y * width;
                int rowStart = y * width * sourceChannels;
                for (int x = 0; x < width; x++) {
                    int at = rowStart + (flip ? width - 1 - x : x) * sourceChannels;
                    float value = luma ? 0.299f * pixels[at] + 0.587f * pixels[at + 1] + 0.114f * pixels[at + 2]
                            : pixels[at + source];
                    out[target + x] = value * scale + shift;
                }
            }
        }
    }

    /** torchvision's CenterCrop: offsets rounded half to even; a crop larger than the image pads with zeros. */
    private static int centerOffset(int size, int crop) {
        return crop > size ? -((crop - size) / 2) : (int) Math.rint((size - crop) / 2.0);
    }

    /** This pipeline with the keys of {@code json} (see the class comment) overriding its settings. */
    public TransformPipeline withJson(JsonNode json) {
        return TransformJson.read(json, this);
    }

    /** {@code base} with the keys of {@code json} overriding its settings; unknown keys are an error. */
    public static TransformPipeline fromJson(JsonNode json, TransformPipeline base) {
        return TransformJson.read(json, base);
    }

    /** The JSON form of every setting, readable by {@link #fromJson}. */
    public ObjectNode toJson() {
        return TransformJson.write(this);
    }
}
