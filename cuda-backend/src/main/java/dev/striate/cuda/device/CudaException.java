package dev.striate.cuda.device;

import jcuda.driver.CUresult;

/** A CUDA driver, cuBLAS or cuDNN call failed; the message names the call and the status by its name. */
public final class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Throws unless a driver call returned {@code CUDA_SUCCESS}. */
    public static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(call + " failed: " + CUresult.stringFor(result));
        }
    }
}
