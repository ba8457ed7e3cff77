package dev.striate.core.train;

import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.graph.GraphException;
import dev.striate.core.graph.Node;
import dev.striate.core.graph.Parameter;
import dev.striate.core.op.LogSoftmax;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.util.List;

/**
 * The graphs a classifier is run as: for training and evaluation, the model plus an input of labels and a
 * cross-entropy loss node; for prediction, the model plus log-softmax. The model's graph is left unchanged, so its
 * parameters (and their names) are those of the model alone.
 */
public final class ClassifierGraphs {
    /** The model's image input, as every model spec names it. */
    public static final String IMAGES = "input";
    public static final String LABELS = "labels";
    public static final String LOSS = "loss";
    public static final String LOG_PROBABILITIES = "log_probabilities";

    private ClassifierGraphs() {
    }

    /** The model with labels [N] (I32) and {@code loss} = mean softmax cross-entropy of its logits against them. */
    public static Graph training(Graph model, double labelSmoothing) {
        requireClassifier(model);
        GraphBuilder builder = model.extend();
        requireFree(builder, LABELS);
        requireFree(builder, LOSS);
        int batch = model.input(IMAGES).shape().batch();
        builder.input(LABELS, Shape.of(batch), DType.I32);
        builder.add(LOSS, new SoftmaxCrossEntropy(labelSmoothing), model.output(), LABELS);
        return builder.build(LOSS, model.output());
    }

    /** The model with {@code log_probabilities} = log-softmax of its logits. */
    public static Graph prediction(Graph model) {
        requireClassifier(model);
        GraphBuilder builder = model.extend();
        requireFree(builder, LOG_PROBABILITIES);
        builder.add(LOG_PROBABILITIES, new LogSoftmax(), model.output());
        return builder.build(LOG_PROBABILITIES, model.output());
    }

    /** A training step on a graph made by {@link #training}: backward from the loss; the loss and logits are read. */
    public static PlanRequest trainingPlan(Graph graph) {
        return PlanRequest.backward(LOSS, List.of(LOSS, logits(graph)));
    }

    /** An evaluation step on a graph made by {@link #training}: forward only; the loss and logits are read. */
    public static PlanRequest evaluationPlan(Graph graph) {
        return PlanRequest.forwardOnly(List.of(LOSS, logits(graph)));
    }

    /** A prediction on a graph made by {@link #prediction}: forward only; the log probabilities are read. */
    public static PlanRequest predictionPlan() {
        return PlanRequest.forwardOnly(List.of(LOG_PROBABILITIES));
    }

    /**
     * The parameters of the model's classifier, the last node with trainable parameters ({@code fc} of a ResNet,
     * {@code classifier.6} of a VGG): the tensors whose shapes follow the number of classes, and that fine-tuning on
     * other classes draws afresh.
     */
    public static List<String> classifierParameters(Graph model) {
        List<Node> nodes = model.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            List<Parameter> parameters = nodes.get(i).parameters();
            if (parameters.stream().anyMatch(Parameter::trainable)) {
                return parameters.stream().map(Parameter::name).toList();
            }
        }
        return List.of();
    }

    /** The name of the logits node of a graph made here (the model's output). */
    public static String logits(Graph graph) {
        return graph.outputs().get(1);
    }

    private static void requireClassifier(Graph model) {
        if (!model.isInput(IMAGES)) {
            throw new GraphException("the model has no input named '" + IMAGES + "' to feed images into");
        }
        Shape logits = model.shapeOf(model.output());
        if (logits.rank() != 2) {
            throw new GraphException("the model's output '" + model.output() + "' has shape " + logits
                    + "; a classifier ends in logits of shape [N, classes]");
        }
    }

    private static void requireFree(GraphBuilder builder, String name) {
        if (builder.has(name)) {
            throw new GraphException("the model already has a node or input named '" + name
                    + "', which training adds; rename it in the spec");
        }
    }
}
