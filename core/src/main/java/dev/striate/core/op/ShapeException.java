package dev.striate.core.op;

/** An op's inputs do not fit its attributes; the graph builder adds the node's name and the shapes. */
public final class ShapeException extends RuntimeException {
    public ShapeException(String message) {
        super(message);
    }
}
