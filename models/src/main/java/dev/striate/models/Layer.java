package dev.striate.models;

/**
 * One layer of a parsed spec: a single op, a composition of layers, or a built-in block that expands once the
 * shape of its input is known. Layers are immutable descriptions; {@link ModelBuilder} turns them into graph nodes.
 */
sealed interface Layer permits OpLayer, SequentialLayer, ResidualLayer, ConcatLayer, BuiltinBlock {
    /** The layer's own name segment, or null when it is named by its position in its list (as nn.Sequential). */
    String name();

    /** Where the layer was written, for error messages: a JSON path such as {@code body[4].body[2]}. */
    String path();
}
