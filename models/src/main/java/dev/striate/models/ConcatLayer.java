package dev.striate.models;

import java.util.List;

/**
 * Parallel branches on the same input, joined along channels by a node named {@code cat}. An empty branch passes
 * the input through. The branches' layers share the concat's scope, numbered across branches in order.
 */
record ConcatLayer(String name, String path, List<List<Layer>> branches, boolean inline) implements Layer {
    ConcatLayer {
        branches = branches.stream().map(List::copyOf).toList();
    }
}
