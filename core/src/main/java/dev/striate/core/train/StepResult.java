package dev.striate.core.train;

/** One training step: the batch's mean loss, how many of its images were classified right, and the rate used. */
public record StepResult(double loss, int correct, int size, double learningRate) {
}
