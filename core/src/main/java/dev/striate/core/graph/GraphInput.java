package dev.striate.core.graph;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;

/** A value fed into the graph from outside: images, labels. */
public record GraphInput(String name, Shape shape, DType dtype) {
}
