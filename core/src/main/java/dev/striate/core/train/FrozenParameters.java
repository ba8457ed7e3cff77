package dev.striate.core.train;

import dev.striate.core.Suggestions;
import dev.striate.core.UserException;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.graph.Parameter;
import dev.striate.core.op.BatchNorm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which parameters a fine-tuning run leaves alone ({@code --freeze}): those whose state_dict names start with one of
 * the given prefixes ({@code layer1} means {@code layer1.*}, not {@code layer10.*}), or with the word
 * {@value #BACKBONE}, every parameter but the classifier's. A batch norm whose parameters and buffers are all frozen
 * is frozen as a whole: it normalizes with its running statistics in training too ({@link BatchNorm#frozen()}).
 */
public final class FrozenParameters {
    /** The {@code --freeze} word for every parameter except the classifier's. */
    public static final String BACKBONE = "backbone";

    private FrozenParameters() {
    }

    /** The names of the parameters and buffers the prefixes freeze; a prefix matching nothing is a user error. */
    public static Set<String> resolve(Graph model, List<String> prefixes) {
        Set<String> frozen = new LinkedHashSet<>();
        List<String> names = model.parameters().stream().map(Parameter::name).toList();
        for (String prefix : prefixes) {
            List<String> matched;
            if (prefix.equals(BACKBONE)) {
                Set<String> classifier = new LinkedHashSet<>(ClassifierGraphs.classifierParameters(model));
                matched = names.stream().filter(name -> !classifier.contains(name)).toList();
            } else {
                matched = names.stream().filter(name -> matches(name, prefix)).toList();
            }
            if (matched.isEmpty()) {
                throw new UserException("--freeze " + prefix + " matches no parameter of the model"
                        + Suggestions.didYouMean(prefix, topLevelNames(names)) + "; prefixes of its parameters: "
                        + String.join(", ", topLevelNames(names)) + ", or " + BACKBONE + " for all but the classifier");
            }
            frozen.addAll(matched);
        }
        return Collections.unmodifiableSet(frozen);
    }

    /** The model with every batch norm whose parameters are all frozen made a frozen batch norm. */
    public static Graph apply(Graph model, Set<String> frozen) {
        if (frozen.isEmpty()) {
            return model;
        }
        return model.withOps(node -> node.op() instanceof BatchNorm batchNorm && allFrozen(node, frozen)
                ? batchNorm.freeze() : node.op());
    }

    private static boolean allFrozen(Node node, Set<String> frozen) {
        return node.parameters().stream().allMatch(parameter -> frozen.contains(parameter.name()));
    }

    private static boolean matches(String name, String prefix) {
        String stem = prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return name.equals(stem) || name.startsWith(stem + ".");
    }

    /** The first part of each name ({@code conv1}, {@code layer1}, {@code fc}), in order. */
    private static List<String> topLevelNames(List<String> names) {
        Set<String> tops = new LinkedHashSet<>();
        for (String name : names) {
            tops.add(name.substring(0, name.indexOf('.') < 0 ? name.length() : name.indexOf('.')));
        }
        return new ArrayList<>(tops);
    }
}
