package dev.striate.core.exec;

import java.util.Collection;
import java.util.Set;

/**
 * How a caller uses each step of a planned executor ({@link MemoryPlan}): forward, then backward from
 * {@code backwardFrom} (null: forward only, as evaluation and prediction run), then it reads the {@code kept} values
 * (the loss, the logits). Every other value is freed once the step no longer needs it.
 */
public record PlanRequest(String backwardFrom, Set<String> kept) {
    public PlanRequest {
        kept = Set.copyOf(kept);
    }

    /** Steps of forward and backward from {@code target} (a loss, or any node given its output gradient). */
    public static PlanRequest backward(String target, Collection<String> kept) {
        return new PlanRequest(target, Set.copyOf(kept));
    }

    /** Steps of forward only. */
    public static PlanRequest forwardOnly(Collection<String> kept) {
        return new PlanRequest(null, Set.copyOf(kept));
    }

    public boolean hasBackward() {
        return backwardFrom != null;
    }
}
