package dev.striate.models;

import dev.striate.core.op.AdaptiveAvgPool2d;
import dev.striate.core.op.AvgPool2d;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.ChannelShuffle;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Dropout;
import dev.striate.core.op.Elu;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.GlobalAvgPool;
import dev.striate.core.op.Initializer;
import dev.striate.core.op.LeakyRelu;
import dev.striate.core.op.Linear;
import dev.striate.core.op.LogSoftmax;
import dev.striate.core.op.Lrn;
import dev.striate.core.op.MaxPool2d;
import dev.striate.core.op.Maxout;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Relu6;
import dev.striate.core.op.Sigmoid;
import dev.striate.core.op.SliceChannels;
import dev.striate.core.op.Tanh;
import dev.striate.core.op.Window2d;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layers that are one op of core, under the op's snake_case name, with the attribute names and defaults of
 * the corresponding PyTorch module. Values are checked here, so a wrong one is reported with its JSON path.
 */
final class OpParser {
    /** Each op layer type with its attributes (besides type, name and comment). */
    static final Map<String, List<String>> ATTRIBUTES = attributes();

    private OpParser() {
    }

    private static Map<String, List<String>> attributes() {
        Map<String, List<String>> a = new LinkedHashMap<>();
        a.put("conv2d", List.of("out", "kernel", "stride", "padding", "dilation", "groups", "bias", "init"));
        a.put("max_pool2d", List.of("kernel", "stride", "padding", "dilation", "ceil_mode"));
        a.put("avg_pool2d", List.of("kernel", "stride", "padding", "ceil_mode", "count_include_pad"));
        a.put("adaptive_avg_pool2d", List.of("output"));
        a.put("global_avg_pool", List.of());
        a.put("linear", List.of("out", "bias", "init", "bias_init"));
        a.put("batch_norm", List.of("eps", "momentum", "affine"));
        a.put("lrn", List.of("size", "alpha", "beta", "k"));
        a.put("dropout", List.of("p"));
        a.put("relu", List.of());
        a.put("relu6", List.of());
        a.put("leaky_relu", List.of("slope"));
        a.put("elu", List.of("alpha"));
        a.put("sigmoid", List.of());
        a.put("tanh", List.of());
        a.put("maxout", List.of("pieces"));
        a.put("slice_channels", List.of("start", "end"));
        a.put("channel_shuffle", List.of("groups"));
        a.put("flatten", List.of());
        a.put("log_softmax", List.of());
        return Map.copyOf(a);
    }

    /** The op an already opened layer object of {@code type} describes. */
    static Op parse(String type, Attributes a, int classes) {
        return switch (type) {
            case "conv2d" -> {
                int out = a.channels("out", classes, true);
                int groups = a.groups("groups");
                yield new Conv2d(out, window(a, a.pair("kernel", null, 1), a.pair("stride", new int[] {1, 1}, 1)),
                        groups, a.bool("bias", true), a.initializer("init", Conv2d.TORCHVISION_INIT, false));
            }
            case "max_pool2d" -> {
                int[] kernel = a.pair("kernel", null, 1);
                yield new MaxPool2d(window(a, kernel, a.pair("stride", kernel, 1)), a.bool("ceil_mode", false));
            }
            case "avg_pool2d" -> {
                int[] kernel = a.pair("kernel", null, 1);
                int[] stride = a.pair("stride", kernel, 1);
                int[] p = a.padding("padding");
                yield new AvgPool2d(new Window2d(kernel[0], kernel[1], stride[0], stride[1], p[0], p[1], p[2], p[3],
                        1, 1), a.bool("ceil_mode", false), a.bool("count_include_pad", true));
            }
            case "adaptive_avg_pool2d" -> {
                int[] output = a.pair("output", null, 1);
                yield new AdaptiveAvgPool2d(output[0], output[1]);
            }
            case "global_avg_pool" -> new GlobalAvgPool();
            case "linear" -> new Linear(a.channels("out", classes, false), a.bool("bias", true),
                    a.initializer("init", Initializer.KaimingUniform.PYTORCH_DEFAULT, false),
                    a.initializer("bias_init", null, true));
            case "batch_norm" -> {
                double eps = a.number("eps", 1e-5);
                a.check("eps", eps > 0, "must be positive, got " + eps);
                double momentum = a.number("momentum", 0.1);
                a.check("momentum", momentum >= 0 && momentum <= 1, "must be in [0, 1], got " + momentum);
                yield new BatchNorm(eps, momentum, a.bool("affine", true));
            }
            case "lrn" -> {
                double k = a.number("k", 1.0);
                a.check("k", k > 0, "must be positive, got " + k);
                yield new Lrn(a.integer("size", 1), a.number("alpha", 1e-4), a.number("beta", 0.75), k);
            }
            case "dropout" -> {
                double p = a.number("p", 0.5);
                a.check("p", p >= 0 && p < 1, "must be in [0, 1), got " + p);
                yield new Dropout(p);
            }
            case "relu" -> new Relu();
            case "relu6" -> new Relu6();
            case "leaky_relu" -> new LeakyRelu(a.number("slope", 0.01));
            case "elu" -> new Elu(a.number("alpha", 1.0));
            case "sigmoid" -> new Sigmoid();
            case "tanh" -> new Tanh();
            case "maxout" -> new Maxout(a.integer("pieces", 1));
            case "slice_channels" -> {
                int start = a.integer("start", 0);
                int end = a.integer("end", 1);
                a.check("end", end > start, "must be greater than start (" + start + "), got " + end);
                yield new SliceChannels(start, end);
            }
            case "channel_shuffle" -> new ChannelShuffle(a.integer("groups", 1));
            case "flatten" -> new Flatten();
            case "log_softmax" -> new LogSoftmax();
            default -> throw new IllegalArgumentException("not an op layer type: " + type);
        };
    }

    /** The window of a convolution or max pool: kernel and stride given, padding and dilation read here. */
    private static Window2d window(Attributes a, int[] kernel, int[] stride) {
        int[] p = a.padding("padding");
        int[] dilation = a.pair("dilation", new int[] {1, 1}, 1);
        return new Window2d(kernel[0], kernel[1], stride[0], stride[1], p[0], p[1], p[2], p[3], dilation[0],
                dilation[1]);
    }
}
