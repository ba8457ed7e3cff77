package dev.striate.cuda;

import dev.striate.core.backend.Precision;
import java.util.function.UnaryOperator;

/**
 * The CUDA backend's choices that the environment can change, read together when it opens: where bf16 activations lie
 * ({@link ActivationLayout}), whether nodes are fused ({@link NodeFusion}) and which kernels run depthwise
 * convolutions ({@link DepthwiseKernels}). Each exists so that one GPU session can measure a technique against its
 * alternative, or step around a kernel that misbehaves there.
 */
public record CudaSettings(ActivationLayout layout, NodeFusion fusion, DepthwiseKernels depthwise) {
    /**
     * The settings {@code environment} (a variable's value, null when unset) gives for {@code precision}'s work.
     *
     * @throws IllegalArgumentException naming the setting whose value is not one of its choices
     */
    public static CudaSettings of(Precision precision, UnaryOperator<String> environment) {
        return new CudaSettings(ActivationLayout.forWork(precision, environment.apply(ActivationLayout.SETTING)),
                NodeFusion.of(environment.apply(NodeFusion.SETTING)),
                DepthwiseKernels.of(environment.apply(DepthwiseKernels.SETTING)));
    }

    /** What the backend's description adds for settings other than the defaults (channels-last is described apart). */
    String described() {
        return (fusion == NodeFusion.OFF ? ", fusion off" : "") + depthwise.described();
    }
}
