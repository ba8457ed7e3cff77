package dev.striate.models;

import java.util.List;
import java.util.Locale;

/**
 * Bounds on the work one spec may ask for, so that a hostile or mistaken spec ends in one line instead of a stack
 * overflow or running out of memory: how deep layers and expressions nest, and how many layers a spec expands into.
 * They are far above any real network (ResNet-152 has 515 layers and nests 5 deep).
 */
final class SpecLimits {
    /** Compositions, block uses and built-in blocks inside each other. */
    static final int MAX_NESTING = 100;
    /** Parentheses and unary minus inside each other in one {@code $} expression. */
    static final int MAX_EXPRESSION_DEPTH = 100;
    /** Op layers (graph nodes) one spec expands into, repeats and stages included. */
    static final int MAX_LAYERS = 100_000;

    private SpecLimits() {
    }

    /**
     * How many op layers a parsed layer expands into, at least: a built-in block other than {@code vgg_block} counts
     * as one until its input's shape expands it, when {@link ModelBuilder} counts the nodes exactly.
     */
    static long layers(Layer layer) {
        return switch (layer) {
            case OpLayer op -> 1;
            case SequentialLayer s -> layers(s.body());
            case ResidualLayer r -> layers(r.body()) + layers(r.shortcut()) + (r.activation() == null ? 1 : 2);
            case ConcatLayer c -> c.branches().stream().mapToLong(SpecLimits::layers).sum() + 1;
            case VggBlock v -> (long) v.convs() * (v.batchNorm() ? 3 : 2) + 1;
            case BuiltinBlock b -> 1;
        };
    }

    static long layers(List<Layer> list) {
        long total = 0;
        for (Layer layer : list) {
            total += layers(layer);
            if (total > MAX_LAYERS) {
                return total;
            }
        }
        return total;
    }

    /** A path of a hundred block uses is unreadable: its start and its end, as one short line. */
    static String shortPath(String path) {
        int keep = 60;
        return path.length() <= 2 * keep + 10 ? path
                : path.substring(0, keep) + " ... " + path.substring(path.length() - keep);
    }

    /** The end of the error for a part of a spec that expands into more than {@link #MAX_LAYERS} layers. */
    static String tooManyLayers(long layers) {
        return String.format(Locale.ROOT, "expands to %s%,d layers, more than a spec may hold (%,d)",
                layers == Long.MAX_VALUE ? "more than " : "", layers, MAX_LAYERS);
    }
}
