/**
 * The CUDA backend (JCuda driver API, JCublas2, cuDNN 9 through java.lang.foreign, NVRTC kernels). It implements the
 * same {@code dev.striate.core.backend.Backend} SPI as the CPU reference and registers a
 * {@code BackendProvider} with ServiceLoader; until it does, {@code --device cuda} reports that no CUDA backend is
 * installed and {@code --device auto} chooses the CPU reference.
 */
package dev.striate.cuda;
