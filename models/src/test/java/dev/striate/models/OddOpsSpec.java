package dev.striate.models;

/**
 * A small spec with the ops and activations no zoo model uses (LRN, maxout, ELU, leaky ReLU, tanh, sigmoid, average
 * pooling, dropout), beside conv, batch norm, max pooling and linear layers, so that tests running the zoo cover every
 * op. Shared through this module's test jar.
 */
public final class OddOpsSpec {
    public static final String JSON = """
            {"name": "odd_ops", "input": [3, 16, 16], "classes": 10, "body": [
              {"type": "conv2d", "out": 8, "kernel": 3, "padding": 1},
              {"type": "lrn", "size": 5, "alpha": 0.01},
              {"type": "elu"},
              {"type": "maxout", "pieces": 2},
              {"type": "avg_pool2d", "kernel": 2},
              {"type": "conv2d", "out": 8, "kernel": 3},
              {"type": "batch_norm"},
              {"type": "leaky_relu"},
              {"type": "max_pool2d", "kernel": 2},
              {"type": "flatten"},
              {"type": "dropout", "p": 0.3},
              {"type": "linear", "out": 12},
              {"type": "tanh"},
              {"type": "linear", "out": 12},
              {"type": "sigmoid"},
              {"type": "linear", "out": "classes"}
            ]}""";

    private OddOpsSpec() {
    }

    public static ModelSpec spec() {
        return ModelSpecs.parse(JSON, "odd_ops.json");
    }
}
