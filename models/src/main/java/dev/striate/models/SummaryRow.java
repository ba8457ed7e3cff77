package dev.striate.models;

import dev.striate.core.tensor.Shape;

/**
 * One layer (graph node) of a summary: its name, op type, output shape, trainable parameters (batch-norm buffers
 * are not counted), multiply-accumulates for the whole batch, and receptive field with effective stride.
 */
public record SummaryRow(String name, String type, Shape outputShape, long params, long macs,
                         ReceptiveField receptiveField) {
}
