package dev.striate.cuda.cudnn;

/**
 * The GPU and cuDNN an algorithm was measured on: another GPU model, compute capability or cuDNN version may offer
 * other algorithms or time them differently, so choices are never shared between platforms.
 */
public record CudnnPlatform(String gpu, int computeMajor, int computeMinor, long cudnnVersion) {
    /** A file name part that names the platform, e.g. {@code NVIDIA-H200-sm90-cudnn91900}. */
    public String fileStem() {
        return gpu.replaceAll("[^A-Za-z0-9._-]+", "-") + "-sm" + computeMajor + computeMinor + "-cudnn" + cudnnVersion;
    }
}
