package dev.striate.cpu;

import dev.striate.core.optim.UpdateRule;
import java.util.List;

/**
 * The reference optimizer updates: one loop per rule over a parameter's elements, written against the formulas on
 * {@link UpdateRule} (those of {@code torch.optim}). The gradient is read, never changed: weight decay is added to a
 * local copy of each element's gradient, as PyTorch adds it into a new tensor, so clipping or logging the gradient
 * after a step sees what backward produced.
 */
final class CpuOptimizerKernels {
    private CpuOptimizerKernels() {
    }

    /** One step of {@code rule} for one parameter; {@code step} counts from 1; {@code state} holds the rule's slots. */
    static void apply(UpdateRule rule, double learningRate, long step, double[] param, double[] grad,
                      List<double[]> state) {
        if (step < 1) {
            throw new IllegalArgumentException("optimizer steps count from 1, got " + step);
        }
        if (grad.length != param.length) {
            throw new IllegalArgumentException("gradient has " + grad.length + " elements, parameter "
                    + param.length);
        }
        if (state.size() != rule.stateSlots()) {
            throw new IllegalArgumentException(rule + " keeps " + rule.stateSlots() + " state tensors, got "
                    + state.size());
        }
        for (double[] slot : state) {
            if (slot.length != param.length) {
                throw new IllegalArgumentException("optimizer state has " + slot.length + " elements, parameter "
                        + param.length);
            }
        }
        switch (rule) {
            case UpdateRule.Sgd sgd -> sgd(sgd, learningRate, step, param, grad, state);
            case UpdateRule.Adam adam -> adam(adam, learningRate, step, param, grad, state);
            case UpdateRule.RmsProp rmsProp -> rmsProp(rmsProp, learningRate, param, grad, state);
            case UpdateRule.AdaGrad adaGrad -> adaGrad(adaGrad, learningRate, param, grad, state);
        }
    }

    private static void sgd(UpdateRule.Sgd rule, double learningRate, long step, double[] param, double[] grad,
                            List<double[]> state) {
        double momentum = rule.momentum();
        double[] buffer = momentum != 0 ? state.getFirst() : null;
        for (int i = 0; i < param.length; i++) {
            double g = grad[i] + rule.weightDecay() * param[i];
            if (buffer != null) {
                // PyTorch starts the momentum buffer at the first gradient itself, without dampening.
                buffer[i] = step == 1 ? g : momentum * buffer[i] + (1 - rule.dampening()) * g;
                g = rule.nesterov() ? g + momentum * buffer[i] : buffer[i];
            }
            param[i] -= learningRate * g;
        }
    }

    private static void adam(UpdateRule.Adam rule, double learningRate, long step, double[] param, double[] grad,
                             List<double[]> state) {
        double[] firstMoment = state.get(0);
        double[] secondMoment = state.get(1);
        double beta1 = rule.beta1();
        double beta2 = rule.beta2();
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < param.length; i++) {
            double g = grad[i];
            if (rule.decoupled()) {
                // AdamW decays the weight itself, before and apart from the adaptive step.
                param[i] -= learningRate * rule.weightDecay() * param[i];
            } else {
                g += rule.weightDecay() * param[i];
            }
            firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * g;
            secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * g * g;
            double firstCorrected = firstMoment[i] / biasCorrection1;
            double secondCorrected = secondMoment[i] / biasCorrection2;
            param[i] -= learningRate * firstCorrected / (Math.sqrt(secondCorrected) + rule.eps());
        }
    }

    private static void rmsProp(UpdateRule.RmsProp rule, double learningRate, double[] param, double[] grad,
                                List<double[]> state) {
        double alpha = rule.alpha();
        double[] squareAverage = state.get(0);
        double[] buffer = rule.momentum() != 0 ? state.get(1) : null;
        for (int i = 0; i < param.length; i++) {
            double g = grad[i] + rule.weightDecay() * param[i];
            squareAverage[i] = alpha * squareAverage[i] + (1 - alpha) * g * g;
            double normalized = g / (Math.sqrt(squareAverage[i]) + rule.eps());
            if (buffer != null) {
                // Unlike SGD's, RMSProp's momentum buffer starts at zero in PyTorch.
                buffer[i] = rule.momentum() * buffer[i] + normalized;
                param[i] -= learningRate * buffer[i];
            } else {
                param[i] -= learningRate * normalized;
            }
        }
    }

    private static void adaGrad(UpdateRule.AdaGrad rule, double learningRate, double[] param, double[] grad,
                                List<double[]> state) {
        double[] sumOfSquares = state.getFirst();
        for (int i = 0; i < param.length; i++) {
            double g = grad[i] + rule.weightDecay() * param[i];
            sumOfSquares[i] += g * g;
            param[i] -= learningRate * g / (Math.sqrt(sumOfSquares[i]) + rule.eps());
        }
    }
}
