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

    public int extentH() {
        return dilationH * (kernelH - 1) + 1;
    }

    public int extentW() {
        return dilationW * (kernelW - 1) + 1;
    }

    public int outputHeight(int inputHeight, boolean ceilMode) {
        return outputSize(inputHeight, padTop, padBottom, extentH(), strideH, ceilMode);
    }

    public int outputWidth(int inputWidth, boolean ceilMode) {
        return outputSize(inputWidth, padLeft, padRight, extentW(), strideW, ceilMode);
    }

    private static int outputSize(int in, int padBefore, int padAfter, int extent, int stride, boolean ceilMode) {
        int span = in + padBefore + padAfter - extent;
        if (span < 0) {
            return 0;
        }
        int out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && (out - 1) * stride >= in + padBefore) {
            out--;
        }
        return out;
    }

    /** Output [H, W] of the window on an NCHW input, or an error naming the sizes when it does not fit. */
    public int[] outputSpatial(Shape input, boolean ceilMode) {
        validate();
        int h = input.height();
        int w = input.width();
        if (h + padTop + padBottom < extentH() || w + padLeft + padRight < extentW()) {
            throw new ShapeException("kernel " + extentH() + "x" + extentW() + (dilationH > 1 || dilationW > 1
                    ? " (dilated)" : "") + " is larger than the padded input " + (h + padTop + padBottom) + "x"
                    + (w + padLeft + padRight));
        }
        return new int[] {outputHeight(h, ceilMode), outputWidth(w, ceilMode)};
    }

    /**
     * Warnings for input rows or columns that no window reads (floor mode drops them silently otherwise). A window
     * narrower than its stride (a 1x1 convolution of stride 2, every ResNet's downsampling) skips the rows between
     * windows by design, so trailing rows are reported only when more are skipped than between two windows.
     */
    public List<String> unreadWarnings(Shape input, boolean ceilMode) {
        List<String> warnings = new ArrayList<>();
        int[] out = outputSpatial(input, ceilMode);
        int lastRow = (out[0] - 1) * strideH + extentH() - 1 - padTop;
        int lastCol = (out[1] - 1) * strideW + extentW() - 1 - padLeft;
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

    private String unread(String what, int from, int to, int h, int w) {
        String range = from == to ? Integer.toString(from) : from + ".." + to;
        return "input " + what + " " + range + " are never read (" + kernelH + "x" + kernelW + " kernel, stride "
                + strideH + "x" + strideW + ", padding " + paddingText() + " on " + h + "x" + w + ")";
    }

    public String paddingText() {
        return padTop == padBottom && padLeft == padRight && padTop == padLeft
                ? Integer.toString(padTop)
                : "top " + padTop + " bottom " + padBottom + " left " + padLeft + " right " + padRight;
    }
}
