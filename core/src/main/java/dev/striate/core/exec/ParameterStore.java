package dev.striate.core.exec;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Parameter;
import dev.striate.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A model's parameters and buffers on one backend, by state_dict name, with a gradient tensor for each trainable
 * parameter. Executors for the same model (other batch sizes, training and evaluation graphs) share one store.
 */
public final class ParameterStore implements AutoCloseable {
    private final Backend backend;
    private final Map<String, Parameter> specs = new LinkedHashMap<>();
    private final Map<String, Tensor> values = new LinkedHashMap<>();
    private final Map<String, Tensor> gradients = new LinkedHashMap<>();

    private ParameterStore(Backend backend) {
        this.backend = backend;
    }

    /**
     * Allocates every parameter of the graph and draws its initial values. Each parameter's generator is seeded
     * from the seed and the parameter's name, so values do not depend on order or backend.
     */
    public static ParameterStore initialize(Graph graph, Backend backend, long seed) {
        ParameterStore store = new ParameterStore(backend);
        for (Parameter p : graph.parameters()) {
            Tensor value = backend.allocate(p.spec().shape(), p.spec().dtype(),
                    p.trainable() ? TensorRole.PARAMETER : TensorRole.BUFFER);
            backend.write(value, p.spec().initializer().draw(p.spec().shape(), generatorFor(seed, p.name())));
            store.specs.put(p.name(), p);
            store.values.put(p.name(), value);
            if (p.trainable()) {
                store.gradients.put(p.name(),
                        backend.allocate(p.spec().shape(), p.spec().dtype(), TensorRole.PARAMETER_GRADIENT));
            }
        }
        return store;
    }

    static SplittableRandom generatorFor(long seed, String name) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
    }

    public Backend backend() {
        return backend;
    }

    /** Every name, parameters and buffers, in graph order. */
    public List<String> names() {
        return List.copyOf(values.keySet());
    }

    public List<String> trainableNames() {
        return List.copyOf(gradients.keySet());
    }

    public Parameter spec(String name) {
        Parameter p = specs.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "'");
        }
        return p;
    }

    public boolean contains(String name) {
        return values.containsKey(name);
    }

    public Tensor value(String name) {
        spec(name);
        return values.get(name);
    }

    /** The gradient of a trainable parameter, or null for a buffer. */
    public Tensor gradient(String name) {
        spec(name);
        return gradients.get(name);
    }

    public Map<String, Tensor> values() {
        return Collections.unmodifiableMap(values);
    }

    public Map<String, Tensor> gradients() {
        return Collections.unmodifiableMap(gradients);
    }

    public double[] read(String name) {
        return backend.read(value(name));
    }

    public void write(String name, double[] data) {
        Tensor t = value(name);
        if (data.length != t.size()) {
            throw new IllegalArgumentException("parameter '" + name + "' has " + t.size() + " elements, got "
                    + data.length);
        }
        backend.write(t, data);
    }

    public void zeroGradients() {
        backend.zero(List.copyOf(gradients.values()));
    }

    /** Checks that a graph's parameters are all here with the same shapes (a store made for another model fails). */
    public void requireCompatible(Graph graph) {
        List<String> problems = new ArrayList<>();
        for (Parameter p : graph.parameters()) {
            Parameter mine = specs.get(p.name());
            if (mine == null) {
                problems.add("missing " + p.name());
            } else if (!mine.spec().shape().equals(p.spec().shape())) {
                problems.add(p.name() + " is " + mine.spec().shape() + ", graph wants " + p.spec().shape());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("parameters do not fit the graph: " + String.join("; ", problems));
        }
    }

    @Override
    public void close() {
        values.values().forEach(backend::release);
        gradients.values().forEach(backend::release);
        values.clear();
        gradients.clear();
    }
}
