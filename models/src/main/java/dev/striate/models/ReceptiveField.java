package dev.striate.models;

/**
 * The receptive field at a layer: how many input pixels (height x width) one output value can see, and the
 * effective stride, the input pixels between neighbouring output values. Huge strides and kernels multiply past
 * any integer, so the arithmetic saturates at Long.MAX_VALUE instead of wrapping around.
 */
public record ReceptiveField(long height, long width, long strideHeight, long strideWidth) {
    static final ReceptiveField PIXEL = new ReceptiveField(1, 1, 1, 1);

    /** "7" for a square field, "7x3" otherwise. */
    public String sizeText() {
        return height == width ? Long.toString(height) : height + "x" + width;
    }

    public String strideText() {
        return strideHeight == strideWidth ? Long.toString(strideHeight) : strideHeight + "x" + strideWidth;
    }

    /** After a window of this extent (dilated kernel) and stride. */
    ReceptiveField then(long extentH, long extentW, long windowStrideH, long windowStrideW) {
        return new ReceptiveField(plus(height, times(extentH - 1, strideHeight)),
                plus(width, times(extentW - 1, strideWidth)), times(strideHeight, windowStrideH),
                times(strideWidth, windowStrideW));
    }

    /** a·b for non-negative a and b, or Long.MAX_VALUE when it does not fit. */
    private static long times(long a, long b) {
        return a != 0 && b > Long.MAX_VALUE / a ? Long.MAX_VALUE : a * b;
    }

    private static long plus(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }

    /** The larger of two fields in each direction, where branches meet (add, concat). */
    ReceptiveField union(ReceptiveField other) {
        return new ReceptiveField(Math.max(height, other.height), Math.max(width, other.width),
                Math.max(strideHeight, other.strideHeight), Math.max(strideWidth, other.strideWidth));
    }
}
