package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Fully connected layer y = x·Wᵀ + b on [N, in] inputs. Parameters {@code weight} [out, in] and {@code bias} [out];
 * the default initialization is PyTorch's (Kaiming uniform with a = sqrt(5), bias U(-1/sqrt(in), 1/sqrt(in))).
 */
public record Linear(int outFeatures, boolean bias, Initializer weightInit, Initializer biasInit) implements Op {
    public static Linear of(int outFeatures) {
        return new Linear(outFeatures, true, Initializer.KaimingUniform.PYTORCH_DEFAULT, null);
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = Shapes.requireRank(inputs.getFirst(), 2, "N, features; flatten first");
        Shapes.requirePositive(outFeatures, "out_features");
        return Shape.of(in.batch(), outFeatures);
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> inputs) {
        int in = inputs.getFirst().dim(1);
        List<ParamSpec> specs = new ArrayList<>();
        specs.add(ParamSpec.weight("weight", Shape.of(outFeatures, in), weightInit));
        if (bias) {
            double bound = 1.0 / Math.sqrt(in);
            Initializer init = biasInit != null ? biasInit : new Initializer.Uniform(-bound, bound);
            specs.add(ParamSpec.weight("bias", Shape.of(outFeatures), init));
        }
        return specs;
    }

    @Override
    public long macs(List<Shape> inputs, Shape output) {
        return output.size() * inputs.getFirst().dim(1);
    }
}
