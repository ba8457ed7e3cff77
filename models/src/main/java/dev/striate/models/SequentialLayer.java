package dev.striate.models;

import java.util.List;

/**
 * Layers applied one after another. Its layers are named under its own name, or, when {@code inline}, in the
 * enclosing list as if they had been written there (torchvision's flat {@code features} of VGG and MobileNetV2).
 */
record SequentialLayer(String name, String path, List<Layer> body, boolean inline) implements Layer {
    SequentialLayer {
        body = List.copyOf(body);
    }
}
