package dev.striate.core.data;

import java.util.SplittableRandom;

/**
 * The transform pipeline written the plain way, kept to check the fast one against: the image converted to float
 * channel planes, each step (resize, crop, flip, normalize) a separate full pass, the filter weights of PIL's
 * antialiased bilinear resize recomputed per call. This was the loader's own code before the resampler was made
 * separable over interleaved bytes.
 */
final class ReferenceTransform {
    private ReferenceTransform() {
    }

    /** Planes {@code [c][y][x]}. */
    private record Planes(int channels, int height, int width, float[] data) {
        float at(int c, int y, int x) {
            return data[(c * height + y) * width + x];
        }
    }

    static float[] apply(TransformPipeline pipeline, DecodedImage image, SplittableRandom random) {
        Planes current = planes(image, pipeline.channels());
        if (pipeline.randomResizedCrop() != null) {
            CropWindow w = pipeline.randomResizedCrop().choose(current.height(), current.width(), random);
            current = resize(current, w.top(), w.left(), w.height(), w.width(), pipeline.height(), pipeline.width());
        } else {
            if (pipeline.resizeShorter() > 0) {
                int h = current.height();
                int w = current.width();
                int size = pipeline.resizeShorter();
                current = resize(current, 0, 0, h, w, Math.max(h <= w ? size : (int) ((long) size * h / w), 1),
                        Math.max(h <= w ? (int) ((long) size * w / h) : size, 1));
            }
            if (pipeline.cropHeight() > 0) {
                current = window(current, offset(current.height(), pipeline.cropHeight()),
                        offset(current.width(), pipeline.cropWidth()), pipeline.cropHeight(), pipeline.cropWidth());
            }
            if (current.height() != pipeline.height() || current.width() != pipeline.width()) {
                current = resize(current, 0, 0, current.height(), current.width(), pipeline.height(),
                        pipeline.width());
            }
        }
        boolean flip = pipeline.flipProbability() > 0 && random.nextDouble() < pipeline.flipProbability();
        float[] out = new float[pipeline.itemSize()];
        int plane = pipeline.height() * pipeline.width();
        for (int c = 0; c < pipeline.channels(); c++) {
            float mean = pipeline.normalization() == null ? 0 : pipeline.normalization().mean().get(c).floatValue();
            float std = pipeline.normalization() == null ? 1 : pipeline.normalization().std().get(c).floatValue();
            for (int y = 0; y < pipeline.height(); y++) {
                for (int x = 0; x < pipeline.width(); x++) {
                    float value = current.at(c, y, flip ? pipeline.width() - 1 - x : x);
                    out[c * plane + y * pipeline.width() + x] = (value / 255f - mean) / std;
                }
            }
        }
        return out;
    }

    private static int offset(int size, int crop) {
        return crop > size ? -((crop - size) / 2) : (int) Math.rint((size - crop) / 2.0);
    }

    private static Planes planes(DecodedImage image, int channels) {
        int pixels = image.height() * image.width();
        float[] data = new float[channels * pixels];
        for (int i = 0; i < pixels; i++) {
            for (int c = 0; c < channels; c++) {
                int y = i / image.width();
                int x = i % image.width();
                data[c * pixels + i] = image.channels() == channels ? image.sample(y, x, c)
                        : image.channels() == 1 ? image.sample(y, x, 0)
                        : 0.299f * image.sample(y, x, 0) + 0.587f * image.sample(y, x, 1)
                                + 0.114f * image.sample(y, x, 2);
            }
        }
        return new Planes(channels, image.height(), image.width(), data);
    }

    private static Planes window(Planes source, int top, int left, int height, int width) {
        float[] out = new float[source.channels() * height * width];
        for (int c = 0; c < source.channels(); c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int sy = top + y;
                    int sx = left + x;
                    if (sy >= 0 && sy < source.height() && sx >= 0 && sx < source.width()) {
                        out[(c * height + y) * width + x] = source.at(c, sy, sx);
                    }
                }
            }
        }
        return new Planes(source.channels(), height, width, out);
    }

    private static Planes resize(Planes source, int top, int left, int height, int width, int outHeight,
            int outWidth) {
        Planes cropped = window(source, top, left, height, width);
        float[] rows = new float[source.channels() * height * outWidth];
        for (int c = 0; c < source.channels(); c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < outWidth; x++) {
                    int cc = c;
                    int yy = y;
                    rows[(c * height + y) * outWidth + x] = filtered(width, outWidth, x, i -> cropped.at(cc, yy, i));
                }
            }
        }
        float[] out = new float[source.channels() * outHeight * outWidth];
        for (int c = 0; c < source.channels(); c++) {
            for (int y = 0; y < outHeight; y++) {
                for (int x = 0; x < outWidth; x++) {
                    int cc = c;
                    int xx = x;
                    out[(c * outHeight + y) * outWidth + x] = filtered(height, outHeight, y,
                            i -> rows[(cc * height + i) * outWidth + xx]);
                }
            }
        }
        return new Planes(source.channels(), outHeight, outWidth, out);
    }

    private interface Samples {
        float at(int index);
    }

    /** PIL's triangle filter, widened by the scale when shrinking, at output position {@code out}. */
    private static float filtered(int inSize, int outSize, int out, Samples samples) {
        double scale = (double) inSize / outSize;
        double support = Math.max(scale, 1.0);
        double center = (out + 0.5) * scale;
        int first = Math.max((int) (center - support + 0.5), 0);
        int end = Math.min((int) (center + support + 0.5), inSize);
        double total = 0;
        for (int i = first; i < end; i++) {
            total += Math.max(0, 1 - Math.abs((i - center + 0.5) / support));
        }
        float sum = 0;
        for (int i = first; i < end; i++) {
            sum += (float) (Math.max(0, 1 - Math.abs((i - center + 0.5) / support)) / total) * samples.at(i);
        }
        return sum;
    }
}
