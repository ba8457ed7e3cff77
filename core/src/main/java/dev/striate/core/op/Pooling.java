package dev.striate.core.op;

/** Rules pooling ops share. */
final class Pooling {
    private Pooling() {
    }

    /** PyTorch and cuDNN require padding of at most half the kernel, so no window is all padding. */
    static void requirePaddingAtMostHalfKernel(Window2d w) {
        w.validate();
        if (Math.max(w.padTop(), w.padBottom()) > w.kernelH() / 2
                || Math.max(w.padLeft(), w.padRight()) > w.kernelW() / 2) {
            throw new ShapeException("pooling padding (" + w.paddingText() + ") must be at most half the kernel "
                    + w.kernelH() + "x" + w.kernelW());
        }
    }
}
