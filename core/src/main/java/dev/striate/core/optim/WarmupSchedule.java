package dev.striate.core.optim;

import dev.striate.core.UserException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Linear warm-up in front of any schedule, per step: over the first W = warmupEpochs·batchesPerEpoch steps the
 * inner rate is multiplied by (s + 1)/W for step s (from 0), so the first step runs at 1/W of the rate and step W − 1
 * at the full rate, as in Goyal et al.'s large-batch ImageNet training; later steps are the inner schedule's own.
 * The inner schedule keeps counting epochs from the start of the run, so step and multistep milestones stay where
 * {@code --schedule} put them. (This differs from torch LinearLR's default start factor 1/3 on purpose: starting at
 * 1/W is the usual choice for warm-up from a tiny rate.)
 */
public record WarmupSchedule(LearningRateSchedule inner, int warmupEpochs) implements LearningRateSchedule {
    public WarmupSchedule {
        if (inner instanceof WarmupSchedule) {
            throw new IllegalArgumentException("warm-up is already part of " + inner);
        }
        if (warmupEpochs < 1) {
            throw new IllegalArgumentException("warm-up epochs must be at least 1, got " + warmupEpochs);
        }
    }

    @Override
    public String kind() {
        return "warmup";
    }

    @Override
    public double rate(int epoch, int batchInEpoch, int batchesPerEpoch) {
        long step = SchedulePositions.stepIndex(epoch, batchInEpoch, batchesPerEpoch);
        long warmupSteps = (long) warmupEpochs * batchesPerEpoch;
        double factor = step < warmupSteps ? (step + 1) / (double) warmupSteps : 1;
        return factor * inner.rate(epoch, batchInEpoch, batchesPerEpoch);
    }

    @Override
    public void endOfEpoch(int epoch, double validationAccuracy) {
        inner.endOfEpoch(epoch, validationAccuracy);
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("kind", kind());
        state.put("warmupEpochs", warmupEpochs);
        state.put("inner", inner.state());
        return state;
    }

    @Override
    public void restore(Map<String, Object> state) {
        LearningRateSchedule.requireKind(state, kind());
        if (!(state.get("warmupEpochs") instanceof Number written) || written.doubleValue() != warmupEpochs) {
            throw new UserException("the checkpoint was written with --warmup-epochs " + state.get("warmupEpochs")
                    + ", this run has " + warmupEpochs + "; resume with the checkpoint's setting");
        }
        if (!(state.get("inner") instanceof Map<?, ?> innerState)) {
            throw new UserException("the checkpoint's warm-up schedule state is damaged: 'inner' is missing or not"
                    + " an object; resume from another checkpoint");
        }
        Map<String, Object> typed = new LinkedHashMap<>();
        innerState.forEach((key, value) -> typed.put(String.valueOf(key), value));
        inner.restore(typed);
    }
}
