package dev.striate.core.optim;

/**
 * The per-parameter update of an optimizer, as a description; the arithmetic is a backend kernel
 * ({@code Backend.applyUpdate}). Each rule says how many state tensors (moments) it keeps per parameter.
 * Formulas follow PyTorch's {@code torch.optim}, where step t counts from 1.
 */
public sealed interface UpdateRule {
    int stateSlots();

    double weightDecay();

    /** The same rule without weight decay (for biases and batch-norm parameters when asked). */
    UpdateRule withoutWeightDecay();

    /**
     * SGD: g ← g + wd·θ; with momentum b ← g at t = 1, else b ← μ·b + (1 - dampening)·g; g ← g + μ·b (Nesterov)
     * or g ← b; θ ← θ - lr·g.
     */
    record Sgd(double momentum, double dampening, boolean nesterov, double weightDecay) implements UpdateRule {
        public int stateSlots() {
            return momentum != 0 ? 1 : 0;
        }

        public UpdateRule withoutWeightDecay() {
            return new Sgd(momentum, dampening, nesterov, 0);
        }
    }

    /**
     * Adam (decoupled = false: g ← g + wd·θ) and AdamW (decoupled = true: θ ← θ - lr·wd·θ):
     * m ← β1·m + (1 - β1)·g; v ← β2·v + (1 - β2)·g²; θ ← θ - lr·m̂/(√v̂ + ε) with m̂ = m/(1 - β1^t), v̂ = v/(1 - β2^t).
     */
    record Adam(double beta1, double beta2, double eps, double weightDecay, boolean decoupled) implements UpdateRule {
        public int stateSlots() {
            return 2;
        }

        public UpdateRule withoutWeightDecay() {
            return new Adam(beta1, beta2, eps, 0, decoupled);
        }
    }

    /**
     * RMSProp: g ← g + wd·θ; s ← α·s + (1 - α)·g²; with momentum b ← μ·b + g/(√s + ε), θ ← θ - lr·b;
     * else θ ← θ - lr·g/(√s + ε).
     */
    record RmsProp(double alpha, double eps, double momentum, double weightDecay) implements UpdateRule {
        public int stateSlots() {
            return momentum != 0 ? 2 : 1;
        }

        public UpdateRule withoutWeightDecay() {
            return new RmsProp(alpha, eps, momentum, 0);
        }
    }

    /** AdaGrad: g ← g + wd·θ; s ← s + g²; θ ← θ - lr·g/(√s + ε). */
    record AdaGrad(double eps, double weightDecay) implements UpdateRule {
        public int stateSlots() {
            return 1;
        }

        public UpdateRule withoutWeightDecay() {
            return new AdaGrad(eps, 0);
        }
    }
}
