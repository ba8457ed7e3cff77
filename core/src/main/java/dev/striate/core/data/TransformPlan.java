package dev.striate.core.data;

/**
 * What a {@link TransformPipeline} takes from one image, decided from its size and the random draws before any
 * pixel is decoded, so the decoder can decode no more than it needs: the window of the source (in full-size
 * pixels) is resized to {@code resizedHeight x resizedWidth}, of which {@code region} is kept (a center crop;
 * the whole when none); if the region differs from the output size it is resized once more; then the flip.
 */
record TransformPlan(CropWindow window, int resizedHeight, int resizedWidth, CropWindow region, boolean flip) {
    /**
     * The smallest scale, in eighths (1..8) of the full size, at which the window still has at least as many
     * pixels as it is resized to in each direction: what a JPEG may be decoded at (as Pillow's draft does).
     */
    int minimumEighths() {
        int rows = ceilDiv(8L * resizedHeight, window.height());
        int columns = ceilDiv(8L * resizedWidth, window.width());
        return Math.clamp(Math.max(rows, columns), 1, 8);
    }

    private static int ceilDiv(long numerator, int denominator) {
        return (int) Math.min((numerator + denominator - 1) / denominator, 8);
    }
}
