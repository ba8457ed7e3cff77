package dev.striate.cuda;

import dev.striate.core.tensor.DType;
import java.util.Locale;

/**
 * Which kernels run a depthwise convolution (groups = input channels: mobilenet_v2's 3×3 layers): Striate's own
 * ({@code depthwise.cu}) or cuDNN's. By default as PyTorch dispatches them on CUDA: cuDNN for bf16 work, whose
 * channels-last depthwise kernels are fast, and the project's own kernels for float work (fp32 and tf32), where
 * cuDNN's are not (PyTorch keeps its own {@code conv_depthwise2d} there for that reason). {@value #SETTING} says
 * {@code cudnn} or {@code striate} to run one of them in every precision, so that one GPU can measure both.
 */
public enum DepthwiseKernels {
    AUTO,
    CUDNN,
    STRIATE;

    /** The environment variable that chooses. */
    public static final String SETTING = "STRIATE_CUDA_DEPTHWISE";

    /**
     * {@code setting} ({@value #SETTING}'s value, null when unset) read: {@link #AUTO} when unset.
     *
     * @throws IllegalArgumentException naming the setting, for a value other than auto, cudnn or striate
     */
    public static DepthwiseKernels of(String setting) {
        if (setting == null || setting.isBlank()) {
            return AUTO;
        }
        return switch (setting.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "cudnn" -> CUDNN;
            case "striate" -> STRIATE;
            default -> throw new IllegalArgumentException(SETTING + "=" + setting + " is not a depthwise setting: use"
                    + " auto, cudnn or striate, or unset it");
        };
    }

    /** Whether a depthwise convolution on activations stored as {@code storage} runs on Striate's kernels. */
    public boolean runsOwnKernels(DType storage) {
        return switch (this) {
            case AUTO -> storage == DType.F32;
            case CUDNN -> false;
            case STRIATE -> true;
        };
    }

    /** What the backend's description adds: nothing for the default. */
    String described() {
        return switch (this) {
            case AUTO -> "";
            case CUDNN -> ", depthwise on cuDNN";
            case STRIATE -> ", depthwise on Striate's kernels";
        };
    }
}
