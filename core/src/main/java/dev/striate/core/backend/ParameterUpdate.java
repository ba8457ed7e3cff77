package dev.striate.core.backend;

import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.Tensor;
import java.util.List;

/** One parameter's part of an optimizer step: its rule (weight decay may differ per parameter), value, gradient and state. */
public record ParameterUpdate(UpdateRule rule, Tensor param, Tensor grad, List<Tensor> state) {
}
