package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The sliding window that convolution and pooling share: kernel, stride, padding per side, dilation.
 * Output size is floor((in + padBefore + padAfter - dilation·(k-1) - 1) / stride) + 1, as cuDNN and PyTorch
 * compute it; with ceil mode it rounds up, except that a window may not start inside the trailing padding.
 */
public record Window2d(int kernelH, int kernelW, int strideH, int strideW,
                       int padTop, int padBottom, int padLeft, int padRight,
                       int dilationH, int dilationW) {

    public static Window2d square(int kernel, int stride, int padding) {
        return new Window2d(kernel, kernel, stride, stride, padding, padding, padding, padding, 1, 1);
    }

    public Window2d withDilation(int dilation) {
        return new Window2d(kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight,
                dilation, dilation);
    }

    /** Checks the attributes themselves, independent of any input. */
    public void validate() {
        if (kernelH < 1 || kernelW < 1) {
            throw new ShapeException("kernel must be at least 1x1, got " + kernelH + "x" + kernelW);
        }
        if (strideH < 1 || strideW < 1) {
            throw new ShapeException("stride must be at least 1, got " + strideH + "x" + strideW);
        }
        if (dilationH < 1 || dilationW < 1) {
            throw new ShapeException("dilation must be at least 1, got " + dilationH + "x" + dilationW);
        }
        if (padTop < 0 || padBottom < 0 || padLeft < 0 || padRight < 0) {
            throw new ShapeException("padding must not be negative, got " + paddingText());
        }
    }

    /** The dilated kernel's height, dilation·(k-1) + 1; exact, as the attributes may be as large as an int. */
    public long extentH() {
        return (long) dilationH * (kernelH - 1) + 1;
    }

    public long extentW() {
        return (long) dilationW * (kernelW - 1) + 1;
    }

    public int outputHeight(int inputHeight, boolean ceilMode) {
        return checkedDimension("output height", outputSize(inputHeight, padTop, padBottom, extentH(), strideH,
                ceilMode));
    }

    public int outputWidth(int inputWidth, boolean ceilMode) {
        return checkedDimension("output width", outputSize(inputWidth, padLeft, padRight, extentW(), strideW,
                ceilMode));
    }

    /** In long arithmetic, where every operand is at most an int and the result cannot overflow. */
    private static long outputSize(long in, long padBefore, long padAfter, long extent, long stride,
                                   boolean ceilMode) {
        long span = in + padBefore + padAfter - extent;
        if (span < 0) {
            return 0;
        }
        long out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && (out - 1) * stride >= in + padBefore) {
            out--;
        }
        return out;
    }

    private int checkedDimension(String what, long size) {
        if (size > Integer.MAX_VALUE) {
            throw new ShapeException(what + " " + size + " is more than a dimension can hold (" + Integer.MAX_VALUE
                    + "); padding " + paddingText() + ", stride " + strideH + "x" + strideW);
        }
        return (int) size;
    }

    /** Output [H, W] of the window on an NCHW input, or an error naming the sizes when it does not fit. */
    public int[] outputSpatial(Shape input, boolean ceilMode) {
        validate();
        long paddedH = (long) input.height() + padTop + padBottom;
        long paddedW = (long) input.width() + padLeft + padRight;
        if (paddedH < extentH() || paddedW < extentW()) {
            throw new ShapeException("kernel " + extentH() + "x" + extentW() + (dilationH > 1 || dilationW > 1
                    ? " (dilated)" : "") + " is larger than the padded input " + paddedH + "x" + paddedW);
        }
        return new int[] {outputHeight(input.height(), ceilMode), outputWidth(input.width(), ceilMode)};
    }

    /**
     * Warnings for input rows or columns that no window reads (floor mode drops them silently otherwise). A window
     * narrower than its stride (a 1x1 convolution of stride 2, every ResNet's downsampling) skips the rows between
     * windows by design, so trailing rows are reported only when more are skipped than between two windows.
     */
    public List<String> unreadWarnings(Shape input, boolean ceilMode) {
        List<String> warnings = new ArrayList<>();
        int[] out = outputSpatial(input, ceilMode);
        long lastRow = (long) (out[0] - 1) * strideH + extentH() - 1 - padTop;
        long lastCol = (long) (out[1] - 1) * strideW + extentW() - 1 - padLeft;
        int h = input.height();
        int w = input.width();
        if (h - 1 - lastRow > Math.max(0, strideH - extentH())) {
            warnings.add(unread("rows", lastRow + 1, h - 1, h, w));
        }
        if (w - 1 - lastCol > Math.max(0, strideW - extentW())) {
            warnings.add(unread("columns", lastCol + 1, w - 1, h, w));
        }
        return warnings;
    }

    private String unread(String what, long from, long to, int h, int w) {
        String range = from == to ? Long.toString(from) : from + ".." + to;
        return "input " + what + " " + range + " are never read (" + kernelH + "x" + kernelW + " kernel, stride "
                + strideH + "x" + strideW + ", padding " + paddingText() + " on " + h + "x" + w + ")";
    }

    public String paddingText() {
        return padTop == padBottom && padLeft == padRight && padTop == padLeft
                ? Integer.toString(padTop)
                : "top " + padTop + " bottom " + padBottom + " left " + padLeft + " right " + padRight;
    }
}
