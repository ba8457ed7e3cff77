package dev.striate.cuda.device;

import jcuda.driver.CUstream;

/** A JCuda stream whose raw {@code CUstream} can be handed to cuDNN through {@code java.lang.foreign}. */
public final class StreamHandle extends CUstream {
    public long address() {
        return getNativePointer();
    }
}
