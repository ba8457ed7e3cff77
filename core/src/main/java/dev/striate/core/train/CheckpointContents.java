package dev.striate.core.train;

import dev.striate.core.io.HostTensor;
import java.util.Map;

/**
 * One checkpoint as held in memory: the model's weights and buffers by state_dict name, the optimizer's state
 * tensors ({@code <parameter>#<slot>}), the resumption state, and the model spec and run settings as JSON text.
 */
public record CheckpointContents(CheckpointState state, Map<String, HostTensor> weights,
                                 Map<String, double[]> optimizerState, String specJson, String configJson) {
}
