package dev.striate.core.graph;

import dev.striate.core.UserException;

/** A graph that cannot be built: the message names the node, the op and the shapes. */
public final class GraphException extends UserException {
    public GraphException(String message) {
        super(message);
    }
}
