package dev.striate.core.data;

/** The training and validation parts of a data set; both share the training class list. */
public record DatasetSplits(Dataset train, Dataset val) {
}
