package dev.striate.core.optim;

import dev.striate.core.UserException;
import dev.striate.core.backend.Backend;
import dev.striate.core.backend.ParameterUpdate;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.graph.Parameter;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Steps every trainable parameter of a {@link ParameterStore} with one {@link UpdateRule}, keeping the rule's state
 * tensors (moments) on the store's backend. All element arithmetic is the backend's: this class only decides which
 * rule, learning rate and step each parameter gets, and moves state to and from the host for checkpoints.
 */
public final class Optimizer implements AutoCloseable {
    /** Added to the norm before dividing, as {@code torch.nn.utils.clip_grad_norm_} does, so a zero norm is safe. */
    private static final double CLIP_EPSILON = 1e-6;
    private static final int PROBLEMS_SHOWN = 3;

    private final UpdateRule rule;
    private final ParameterStore store;
    private final Map<String, UpdateRule> rules = new LinkedHashMap<>();
    private final Map<String, List<Tensor>> state = new LinkedHashMap<>();
    private long stepCount;

    public Optimizer(UpdateRule rule, ParameterStore store, Set<String> noWeightDecay) {
        this(rule, store, noWeightDecay, Set.of());
    }

    /**
     * @param noWeightDecay trainable parameter names stepped with {@link UpdateRule#withoutWeightDecay()}
     *                      (see {@link #biasAndNormParameters(Graph)}); every name must be a trainable parameter
     * @param frozen        parameter (and buffer) names left as they are: no update, no state, no part in the
     *                      gradient norm
     */
    public Optimizer(UpdateRule rule, ParameterStore store, Set<String> noWeightDecay, Set<String> frozen) {
        this.rule = rule;
        this.store = store;
        Set<String> unknown = new TreeSet<>(noWeightDecay);
        store.trainableNames().forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("no trainable parameters named " + unknown);
        }
        Backend backend = store.backend();
        for (String name : store.trainableNames()) {
            if (frozen.contains(name)) {
                continue;
            }
            rules.put(name, noWeightDecay.contains(name) ? rule.withoutWeightDecay() : rule);
            Tensor value = store.value(name);
            List<Tensor> slots = new ArrayList<>();
            for (int slot = 0; slot < rule.stateSlots(); slot++) {
                slots.add(backend.allocate(value.shape(), value.dtype(), TensorRole.OPTIMIZER_STATE));
            }
            state.put(name, List.copyOf(slots));
        }
    }

    /** The names of trainable biases and batch-norm parameters, which training often exempts from weight decay. */
    public static Set<String> biasAndNormParameters(Graph graph) {
        Set<String> names = new LinkedHashSet<>();
        for (Node node : graph.nodes()) {
            for (Parameter parameter : node.parameters()) {
                boolean biasOrNorm = node.op() instanceof BatchNorm || parameter.spec().suffix().equals("bias");
                if (parameter.trainable() && biasOrNorm) {
                    names.add(parameter.name());
                }
            }
        }
        return Collections.unmodifiableSet(names);
    }

    public UpdateRule rule() {
        return rule;
    }

    /** Steps taken so far (restored with the state); the next step's bias corrections use {@code stepCount() + 1}. */
    public long stepCount() {
        return stepCount;
    }

    /** The names this optimizer updates: the store's trainable parameters less the frozen ones, in graph order. */
    public Set<String> updatedNames() {
        return Collections.unmodifiableSet(rules.keySet());
    }

    /** One update of every parameter it updates, from its current gradient. */
    public void step(double learningRate) {
        if (!Double.isFinite(learningRate) || learningRate < 0) {
            throw new IllegalArgumentException("learning rate must be finite and not negative, got " + learningRate);
        }
        stepCount++;
        List<ParameterUpdate> updates = new ArrayList<>();
        for (Map.Entry<String, UpdateRule> entry : rules.entrySet()) {
            String name = entry.getKey();
            updates.add(new ParameterUpdate(entry.getValue(), store.value(name), store.gradient(name), state.get(name)));
        }
        store.backend().applyUpdates(learningRate, stepCount, updates);
    }

    /**
     * Scales all gradients together so that their global L2 norm is at most {@code maxNorm}, as
     * {@code torch.nn.utils.clip_grad_norm_}: factor maxNorm/(norm + 1e-6), applied when it is below 1.
     * Returns the norm before clipping; a NaN or infinite norm is returned as is and leaves the gradients alone,
     * for the training loop to report.
     */
    public double clipGradientNorm(double maxNorm) {
        double norm = Math.sqrt(store.backend().sumOfSquares(rules.keySet().stream().map(store::gradient).toList()));
        clipGradientNorm(maxNorm, norm);
        return norm;
    }

    /**
     * {@link #clipGradientNorm(double)} with the norm already known (Σ x² over {@link #updatedNames()}'s gradients,
     * square-rooted), so that a training step that read it with its other results reads nothing more.
     */
    public void clipGradientNorm(double maxNorm, double norm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("maximum gradient norm must be positive and finite, got " + maxNorm);
        }
        double factor = maxNorm / (norm + CLIP_EPSILON);
        if (Double.isFinite(norm) && factor < 1) {
            for (String name : rules.keySet()) {
                store.backend().scale(store.gradient(name), factor);
            }
        }
    }

    /** Every state tensor on the host, keyed {@code <parameter>#<slot>} in parameter order. */
    public Map<String, double[]> stateToHost() {
        Map<String, double[]> host = new LinkedHashMap<>();
        Backend backend = store.backend();
        state.forEach((name, slots) -> {
            for (int slot = 0; slot < slots.size(); slot++) {
                host.put(key(name, slot), backend.read(slots.get(slot)));
            }
        });
        return host;
    }

    /**
     * Puts back state written by {@link #stateToHost()} and the step count it was taken at, so that the next step
     * equals the one an uninterrupted run would take. Nothing changes when the state does not fit.
     */
    public void restoreState(Map<String, double[]> host, long steps) {
        if (steps < 0) {
            throw new UserException("optimizer state in the checkpoint has a negative step count (" + steps
                    + "); the checkpoint is damaged, resume from another one");
        }
        List<String> problems = new ArrayList<>();
        Set<String> unexpected = new TreeSet<>(host.keySet());
        state.forEach((name, slots) -> {
            for (int slot = 0; slot < slots.size(); slot++) {
                String key = key(name, slot);
                double[] values = host.get(key);
                unexpected.remove(key);
                if (values == null) {
                    problems.add("missing " + key);
                } else if (values.length != slots.get(slot).size()) {
                    problems.add(key + " has " + values.length + " values, expected " + slots.get(slot).size());
                }
            }
        });
        unexpected.forEach(key -> problems.add("unexpected " + key));
        if (!problems.isEmpty()) {
            throw new UserException("optimizer state in the checkpoint does not fit this model and optimizer ("
                    + summary(problems) + "); resume with the model and --optimizer the checkpoint was written with");
        }
        Backend backend = store.backend();
        state.forEach((name, slots) -> {
            for (int slot = 0; slot < slots.size(); slot++) {
                backend.write(slots.get(slot), host.get(key(name, slot)));
            }
        });
        stepCount = steps;
    }

    /** Gives the state tensors' memory back to the backend; the optimizer must not be used afterwards. */
    @Override
    public void close() {
        state.values().forEach(slots -> slots.forEach(store.backend()::release));
        state.clear();
        rules.clear();
    }

    private static String key(String parameter, int slot) {
        return parameter + "#" + slot;
    }

    private static String summary(List<String> problems) {
        String shown = String.join("; ", problems.subList(0, Math.min(PROBLEMS_SHOWN, problems.size())));
        int more = problems.size() - PROBLEMS_SHOWN;
        return more > 0 ? shown + "; and " + more + " more" : shown;
    }
}
