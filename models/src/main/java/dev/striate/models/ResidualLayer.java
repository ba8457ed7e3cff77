package dev.striate.models;

import java.util.List;

/**
 * {@code activation(body(x) + shortcut(x))}: an empty shortcut is the identity, a null activation is none. The sum
 * is a node named {@code add} in the residual's scope, the activation is named after its type unless it has a name.
 */
record ResidualLayer(String name, String path, List<Layer> body, List<Layer> shortcut, OpLayer activation,
                     boolean inline) implements Layer {
    ResidualLayer {
        body = List.copyOf(body);
        shortcut = List.copyOf(shortcut);
    }
}
