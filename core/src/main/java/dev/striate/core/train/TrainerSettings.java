package dev.striate.core.train;

import dev.striate.core.optim.LearningRateSchedule;
import dev.striate.core.optim.Schedules;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.optim.UpdateRules;
import java.util.List;

/**
 * What a {@link Trainer} needs besides the model and the backend. Seeds: {@code initSeed} draws the initial weights,
 * {@code dropoutSeed} (with the global step) every dropout mask; the loader has its own. {@code freeze}: parameter-name
 * prefixes, or {@value FrozenParameters#BACKBONE}, of the parameters left unchanged ({@link FrozenParameters}).
 */
public record TrainerSettings(double labelSmoothing, long initSeed, long dropoutSeed, UpdateRule rule,
                              boolean noDecayBiasBn, LearningRateSchedule schedule, double clipGradNorm,
                              List<String> freeze) {
    public TrainerSettings {
        freeze = List.copyOf(freeze);
    }

    /** Settings that freeze nothing. */
    public TrainerSettings(double labelSmoothing, long initSeed, long dropoutSeed, UpdateRule rule,
                           boolean noDecayBiasBn, LearningRateSchedule schedule, double clipGradNorm) {
        this(labelSmoothing, initSeed, dropoutSeed, rule, noDecayBiasBn, schedule, clipGradNorm, List.of());
    }

    /** Mixed into the run's seed so that dropout masks do not repeat the initializer's draws. */
    static final long DROPOUT_PURPOSE = 0x44524f504f5554L;

    public static TrainerSettings from(TrainingConfig config) {
        return new TrainerSettings(config.labelSmoothing(), config.seed(), config.seed() ^ DROPOUT_PURPOSE,
                UpdateRules.named(config.optimizer(), config.momentum(), config.weightDecay(), config.nesterov()),
                config.noDecayBiasBn(), Schedules.parse(config.schedule(), config.lr(), config.epochs(),
                config.warmupEpochs()), config.clipGradNorm(), config.freeze());
    }
}
