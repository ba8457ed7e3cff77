package dev.striate.core.optim;

import dev.striate.core.UserException;
import java.util.Locale;

/** Update rules by their command-line names, with PyTorch's default hyperparameters. */
public final class UpdateRules {
    public static final String VALID_NAMES = "sgd, adam, adamw, rmsprop, adagrad";

    private UpdateRules() {
    }

    /**
     * The rule for {@code --optimizer NAME}: sgd (no dampening), adam and adamw (β1 0.9, β2 0.999, ε 1e-8),
     * rmsprop (α 0.99, ε 1e-8), adagrad (ε 1e-10). {@code momentum} belongs to sgd and rmsprop; Adam's β1 plays its
     * part, so adam, adamw and adagrad refuse a non-zero momentum rather than ignore it, and only sgd takes
     * {@code nesterov} (with a momentum, as PyTorch requires).
     */
    public static UpdateRule named(String name, double momentum, double weightDecay, boolean nesterov) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new UserException("--momentum must be at least 0 and below 1, got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new UserException("--weight-decay must be a finite number of at least 0, got " + weightDecay);
        }
        String key = name.strip().toLowerCase(Locale.ROOT);
        UpdateRule rule = switch (key) {
            case "sgd" -> new UpdateRule.Sgd(momentum, 0, nesterov, weightDecay);
            case "adam" -> new UpdateRule.Adam(0.9, 0.999, 1e-8, weightDecay, false);
            case "adamw" -> new UpdateRule.Adam(0.9, 0.999, 1e-8, weightDecay, true);
            case "rmsprop" -> new UpdateRule.RmsProp(0.99, 1e-8, momentum, weightDecay);
            case "adagrad" -> new UpdateRule.AdaGrad(1e-10, weightDecay);
            default -> throw new UserException("--optimizer '" + name + "' is not known; use one of " + VALID_NAMES);
        };
        boolean takesMomentum = rule instanceof UpdateRule.Sgd || rule instanceof UpdateRule.RmsProp;
        if (momentum != 0 && !takesMomentum) {
            throw new UserException("--momentum applies to sgd and rmsprop, not " + key
                    + " (its beta1 0.9 plays that part); leave --momentum out or set it to 0");
        }
        if (nesterov && !(rule instanceof UpdateRule.Sgd)) {
            throw new UserException("Nesterov momentum applies to sgd only, not " + key);
        }
        if (nesterov && momentum == 0) {
            throw new UserException("Nesterov momentum needs a --momentum above 0");
        }
        return rule;
    }
}
