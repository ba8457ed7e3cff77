package dev.striate.core.train;

import dev.striate.core.optim.LearningRateSchedule;
import dev.striate.core.optim.Schedules;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.optim.UpdateRules;

/**
 * What a {@link Trainer} needs besides the model and the backend. Seeds: {@code initSeed} draws the initial weights,
 * {@code dropoutSeed} (with the global step) every dropout mask; the loader has its own.
 */
public record TrainerSettings(double labelSmoothing, long initSeed, long dropoutSeed, UpdateRule rule,
                              boolean noDecayBiasBn, LearningRateSchedule schedule, double clipGradNorm) {
    /** Mixed into the run's seed so that dropout masks do not repeat the initializer's draws. */
    static final long DROPOUT_PURPOSE = 0x44524f504f5554L;

    public static TrainerSettings from(TrainingConfig config) {
        return new TrainerSettings(config.labelSmoothing(), config.seed(), config.seed() ^ DROPOUT_PURPOSE,
                UpdateRules.named(config.optimizer(), config.momentum(), config.weightDecay(), config.nesterov()),
                config.noDecayBiasBn(), Schedules.parse(config.schedule(), config.lr(), config.epochs(),
                config.warmupEpochs()), config.clipGradNorm());
    }
}
