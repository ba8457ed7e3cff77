package dev.striate.core.inspect;

/**
 * What gradient ascent on the input maximises for each image of a batch: channel {@code channels[b]} of node
 * {@code node}, either as ‖h_{node,d}(x)‖² over its positions (a layer's feature map) or as the value itself (a
 * class score, where the node is the model's [N, classes] output).
 */
public record AscentGoal(String node, int[] channels, boolean squaredNorm) {
    public AscentGoal {
        channels = channels.clone();
    }

    /** ‖h_{ℓ,d}(x)‖² of each channel of a layer. */
    public static AscentGoal featureMap(String node, int... channels) {
        return new AscentGoal(node, channels, true);
    }

    /** The score of each class, read at the model's output node. */
    public static AscentGoal classScore(String scores, int... classes) {
        return new AscentGoal(scores, classes, false);
    }
}
