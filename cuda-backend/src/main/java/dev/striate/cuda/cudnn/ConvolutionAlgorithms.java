package dev.striate.cuda.cudnn;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Convolution algorithms chosen once per shape and direction and kept for the backend's life: graphs compiled again
 * for the same shapes (a new batch size, evaluation after training) reuse the measurement instead of running cuDNN's
 * search again.
 */
public final class ConvolutionAlgorithms {
    public enum Direction { FORWARD, BACKWARD_DATA, BACKWARD_FILTER }

    private record Key(Direction direction, ConvolutionGeometry geometry, int mathType) {
    }

    private final Map<Key, AlgorithmChoice> choices = new HashMap<>();

    /** The cached choice, or the one made from {@code search}'s results (cuDNN's Find, fastest first). */
    public synchronized AlgorithmChoice choose(Direction direction, ConvolutionGeometry geometry, int mathType,
                                               Supplier<List<AlgorithmPerformance>> search) {
        return choices.computeIfAbsent(new Key(direction, geometry, mathType), key ->
                AlgorithmChoice.choose(search.get(), mathType, direction.name().toLowerCase() + " convolution "
                        + geometry));
    }
}
