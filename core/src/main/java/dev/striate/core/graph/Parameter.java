package dev.striate.core.graph;

import dev.striate.core.op.ParamSpec;

/** A node's parameter or buffer with its full state_dict name ({@code layer1.0.conv1.weight}). */
public record Parameter(String name, ParamSpec spec) {
    public boolean trainable() {
        return spec.trainable();
    }
}
