/**
 * The CUDA backend (JCuda driver API, JCublas2, cuDNN 9 through java.lang.foreign, NVRTC kernels). It implements the
 * same {@code dev.striate.core.backend.Backend} SPI as the CPU reference and registers a
 * {@code BackendProvider} with ServiceLoader: {@code --device auto} prefers it wherever {@code striate doctor} finds
 * CUDA usable, and {@code --device cuda} on a machine without it is an error carrying doctor's diagnosis.
 */
package dev.striate.cuda;
