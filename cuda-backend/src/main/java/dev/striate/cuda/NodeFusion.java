package dev.striate.cuda;

import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Fusion;
import dev.striate.core.graph.Graph;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Whether the CUDA backend fuses nodes ({@link dev.striate.core.graph.Fusion}: batch norm + ReLU, batch norm + add +
 * ReLU, convolution + ReLU) when it compiles a graph for training, evaluation or prediction: on unless {@value #SETTING}
 * says {@code off}, so that one GPU can measure what fusion gives, or keep the unfused kernels should a fused one
 * misbehave there.
 */
public enum NodeFusion {
    ON,
    OFF;

    /** The environment variable that turns fusion off. */
    public static final String SETTING = "STRIATE_CUDA_FUSION";

    /**
     * {@code setting} ({@value #SETTING}'s value, null when unset) read: on when unset.
     *
     * @throws IllegalArgumentException naming the setting, for a value other than on or off
     */
    public static NodeFusion of(String setting) {
        if (setting == null || setting.isBlank()) {
            return ON;
        }
        return switch (setting.strip().toLowerCase(Locale.ROOT)) {
            case "on" -> ON;
            case "off" -> OFF;
            default -> throw new IllegalArgumentException(SETTING + "=" + setting + " is not a fusion setting: use on"
                    + " or off, or unset it");
        };
    }

    /** The graph a planned executor for {@code request} runs: fused (keeping what the request reads) when on. */
    public Graph apply(Graph graph, PlanRequest request) {
        if (this == OFF) {
            return graph;
        }
        Set<String> keep = new HashSet<>(request.kept());
        if (request.hasBackward()) {
            keep.add(request.backwardFrom());
        }
        return Fusion.fuse(graph, keep);
    }
}
