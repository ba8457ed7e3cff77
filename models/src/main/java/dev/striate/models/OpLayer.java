package dev.striate.models;

import dev.striate.core.op.Op;

/**
 * A layer that is one op of core. A {@link dev.striate.core.op.Conv2d} may hold {@link #FROM_INPUT} as its output
 * channels or groups ("out": "in", "groups": "in" in a spec); the builder puts the input's channel count there.
 */
record OpLayer(String name, String path, Op op) implements Layer {
    /** Stands for "the input's channel count"; zero is never a valid count, so it cannot be meant literally. */
    static final int FROM_INPUT = 0;
}
