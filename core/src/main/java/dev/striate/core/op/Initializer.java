package dev.striate.core.op;

import dev.striate.core.tensor.Shape;
import java.util.random.RandomGenerator;

/**
 * How a parameter's first values are drawn. Values are drawn on the host from a seeded generator, so the
 * same seed gives the same weights on every backend. Fans follow PyTorch: for a weight of shape
 * [out, in, kh, kw], fan-in is in*kh*kw and fan-out is out*kh*kw.
 */
public sealed interface Initializer {
    /** Gain for ReLU, as {@code torch.nn.init.calculate_gain("relu")}. */
    double RELU_GAIN = Math.sqrt(2.0);

    double[] draw(Shape shape, RandomGenerator random);

    record Constant(double value) implements Initializer {
        public double[] draw(Shape shape, RandomGenerator random) {
            double[] v = new double[(int) shape.size()];
            java.util.Arrays.fill(v, value);
            return v;
        }
    }

    record Uniform(double low, double high) implements Initializer {
        public double[] draw(Shape shape, RandomGenerator random) {
            double[] v = new double[(int) shape.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = low + (high - low) * random.nextDouble();
            }
            return v;
        }
    }

    record Normal(double std) implements Initializer {
        public double[] draw(Shape shape, RandomGenerator random) {
            double[] v = new double[(int) shape.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = std * random.nextGaussian();
            }
            return v;
        }
    }

    /** He et al.: N(0, gain²/fan) with fan-out (torchvision's conv init) or fan-in. */
    record KaimingNormal(boolean useFanOut) implements Initializer {
        public double[] draw(Shape shape, RandomGenerator random) {
            double fan = useFanOut ? Initializer.fanOut(shape) : fanIn(shape);
            return new Normal(RELU_GAIN / Math.sqrt(fan)).draw(shape, random);
        }
    }

    /**
     * He et al., uniform: U(-b, b) with b = gain·sqrt(3/fan_in), gain = sqrt(2/(1+a²)). With a = sqrt(5) it is
     * PyTorch's default for conv and linear weights.
     */
    record KaimingUniform(double negativeSlope) implements Initializer {
        public static final KaimingUniform PYTORCH_DEFAULT = new KaimingUniform(Math.sqrt(5.0));

        public double[] draw(Shape shape, RandomGenerator random) {
            double gain = Math.sqrt(2.0 / (1.0 + negativeSlope * negativeSlope));
            double bound = gain * Math.sqrt(3.0 / fanIn(shape));
            return new Uniform(-bound, bound).draw(shape, random);
        }
    }

    /** Glorot and Bengio: N(0, 2/(fan_in+fan_out)). */
    record XavierNormal() implements Initializer {
        public double[] draw(Shape shape, RandomGenerator random) {
            return new Normal(Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape)))).draw(shape, random);
        }
    }

    /** Glorot and Bengio: U(-b, b) with b = sqrt(6/(fan_in+fan_out)). */
    record XavierUniform() implements Initializer {
        public double[] draw(Shape shape, RandomGenerator random) {
            double bound = Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
            return new Uniform(-bound, bound).draw(shape, random);
        }
    }

    static double fanIn(Shape shape) {
        return shape.rank() < 2 ? shape.size() : shape.sizePerItem();
    }

    static double fanOut(Shape shape) {
        return shape.rank() < 2 ? shape.size() : shape.dim(0) * (shape.sizePerItem() / shape.dim(1));
    }
}
