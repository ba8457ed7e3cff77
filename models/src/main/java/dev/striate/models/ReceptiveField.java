package dev.striate.models;

/**
 * The receptive field at a layer: how many input pixels (height x width) one output value can see, and the
 * effective stride, the input pixels between neighbouring output values.
 */
public record ReceptiveField(int height, int width, int strideHeight, int strideWidth) {
    static final ReceptiveField PIXEL = new ReceptiveField(1, 1, 1, 1);

    /** "7" for a square field, "7x3" otherwise. */
    public String sizeText() {
        return height == width ? Integer.toString(height) : height + "x" + width;
    }

    public String strideText() {
        return strideHeight == strideWidth ? Integer.toString(strideHeight) : strideHeight + "x" + strideWidth;
    }

    /** After a window of this extent (dilated kernel) and stride. */
    ReceptiveField then(int extentH, int extentW, int windowStrideH, int windowStrideW) {
        return new ReceptiveField(height + (extentH - 1) * strideHeight, width + (extentW - 1) * strideWidth,
                strideHeight * windowStrideH, strideWidth * windowStrideW);
    }

    /** The larger of two fields in each direction, where branches meet (add, concat). */
    ReceptiveField union(ReceptiveField other) {
        return new ReceptiveField(Math.max(height, other.height), Math.max(width, other.width),
                Math.max(strideHeight, other.strideHeight), Math.max(strideWidth, other.strideWidth));
    }
}
