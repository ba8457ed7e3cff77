package dev.striate.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.Node;
import dev.striate.core.graph.Parameter;
import dev.striate.core.tensor.Shape;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code striate summary} shows: one row per layer, then the totals in the layout torchsummary users know.
 * Parameters are trainable weights and biases, as torchvision counts them; batch-norm running statistics are
 * buffers, reported apart. Sizes assume 4-byte floats: forward/backward counts every layer's output twice (value
 * and gradient), as torchsummary does.
 */
public final class ModelSummary {
    private static final double MEGABYTE = 1024.0 * 1024.0;
    private static final int FLOAT_BYTES = 4;

    private final String model;
    private final Shape input;
    private final List<SummaryRow> rows;
    private final long trainableParams;
    private final long nonTrainableParams;
    private final long buffers;
    private final long macs;
    private final long activationElements;
    private final List<String> warnings;

    private ModelSummary(String model, Shape input, List<SummaryRow> rows, long trainableParams,
                         long nonTrainableParams, long buffers, long macs, long activationElements,
                         List<String> warnings) {
        this.model = model;
        this.input = input;
        this.rows = List.copyOf(rows);
        this.trainableParams = trainableParams;
        this.nonTrainableParams = nonTrainableParams;
        this.buffers = buffers;
        this.macs = macs;
        this.activationElements = activationElements;
        this.warnings = List.copyOf(warnings);
    }

    /** The summary of a spec's graph for batches of {@code batch} images. */
    public static ModelSummary of(ModelSpec spec, int batch) {
        return of(spec.name(), spec.toGraph(batch));
    }

    /** The summary of a model graph whose first input is the images. */
    public static ModelSummary of(String model, Graph graph) {
        Map<String, ReceptiveField> fields = ReceptiveFields.of(graph);
        List<SummaryRow> rows = new ArrayList<>();
        long trainable = 0;
        long buffers = 0;
        long macs = 0;
        long activations = 0;
        for (Node node : graph.nodes()) {
            long params = 0;
            for (Parameter p : node.parameters()) {
                if (p.trainable()) {
                    params += p.spec().shape().size();
                } else {
                    buffers += p.spec().shape().size();
                }
            }
            long nodeMacs = node.macs(graph.inputShapes(node));
            rows.add(new SummaryRow(node.name(), node.op().typeName(), node.shape(), params, nodeMacs,
                    fields.get(node.name())));
            trainable += params;
            macs += nodeMacs;
            activations += node.shape().size();
        }
        List<String> warnings = new ArrayList<>();
        graph.warnings().forEach((node, list) -> list.forEach(w -> warnings.add(node + ": " + w)));
        // Every parameter of a Striate graph trains; frozen parameters would be counted here.
        long nonTrainable = 0;
        return new ModelSummary(model, graph.inputs().getFirst().shape(), rows, trainable, nonTrainable, buffers,
                macs, activations, warnings);
    }

    public String model() {
        return model;
    }

    /** The input's shape, batch included. */
    public Shape input() {
        return input;
    }

    public List<SummaryRow> rows() {
        return rows;
    }

    public long totalParams() {
        return trainableParams + nonTrainableParams;
    }

    public long trainableParams() {
        return trainableParams;
    }

    public long nonTrainableParams() {
        return nonTrainableParams;
    }

    /** Elements of batch-norm running statistics (and other buffers): state, not parameters. */
    public long buffers() {
        return buffers;
    }

    /** Multiply-accumulates of conv and linear layers for one forward pass of the batch. */
    public long macs() {
        return macs;
    }

    public List<String> warnings() {
        return warnings;
    }

    public double inputSizeMb() {
        return input.size() * FLOAT_BYTES / MEGABYTE;
    }

    public double forwardBackwardSizeMb() {
        return 2.0 * activationElements * FLOAT_BYTES / MEGABYTE;
    }

    public double paramsSizeMb() {
        return totalParams() * FLOAT_BYTES / MEGABYTE;
    }

    public double totalSizeMb() {
        return inputSizeMb() + forwardBackwardSizeMb() + paramsSizeMb();
    }

    /** The table and totals for a terminal. */
    public String toText() {
        String[] header = {"Layer", "Type", "Output shape", "Params", "MACs", "RF", "Stride"};
        List<String[]> cells = new ArrayList<>();
        for (SummaryRow r : rows) {
            cells.add(new String[] {r.name(), r.type(), r.outputShape().toString(), count(r.params()),
                    count(r.macs()), r.receptiveField().sizeText(), r.receptiveField().strideText()});
        }
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] row : cells) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder format = new StringBuilder();
        for (int i = 0; i < header.length; i++) {
            // Names, types and shapes read best left-aligned; numbers right-aligned.
            format.append(i < 3 ? "%-" : "%").append(width[i]).append('s').append(i + 1 < header.length ? "  " : "%n");
        }
        int lineWidth = 0;
        for (int w : width) {
            lineWidth += w + 2;
        }
        String heavy = "=".repeat(lineWidth - 2) + System.lineSeparator();
        String light = "-".repeat(lineWidth - 2) + System.lineSeparator();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Model: %s   input %s%n", model, input));
        out.append(light).append(String.format(Locale.ROOT, format.toString(), (Object[]) header)).append(heavy);
        for (String[] row : cells) {
            out.append(String.format(Locale.ROOT, format.toString(), (Object[]) row));
        }
        out.append(heavy);
        out.append("Total params: ").append(count(totalParams())).append(System.lineSeparator());
        out.append("Trainable params: ").append(count(trainableParams)).append(System.lineSeparator());
        out.append("Non-trainable params: ").append(count(nonTrainableParams)).append(System.lineSeparator());
        out.append("Buffers (batch-norm statistics, not parameters): ").append(count(buffers))
                .append(System.lineSeparator());
        out.append("Total MACs: ").append(count(macs)).append(" (").append(human(macs)).append(')')
                .append(System.lineSeparator());
        out.append(light);
        out.append(String.format(Locale.ROOT, "Input size (MB): %.2f%n", inputSizeMb()));
        out.append(String.format(Locale.ROOT, "Forward/backward pass size (MB): %.2f%n", forwardBackwardSizeMb()));
        out.append(String.format(Locale.ROOT, "Params size (MB): %.2f%n", paramsSizeMb()));
        out.append(String.format(Locale.ROOT, "Estimated Total Size (MB): %.2f%n", totalSizeMb()));
        out.append(light);
        if (!warnings.isEmpty()) {
            out.append("Warnings:").append(System.lineSeparator());
            warnings.forEach(w -> out.append("  ").append(w).append(System.lineSeparator()));
        }
        return out.toString();
    }

    /** The summary as JSON: model, totals, sizes, layers and warnings. */
    public String toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("model", model);
        ArrayNode inputShape = root.putArray("input");
        for (int d : input.dims()) {
            inputShape.add(d);
        }
        root.put("totalParams", totalParams()).put("trainableParams", trainableParams)
                .put("nonTrainableParams", nonTrainableParams).put("buffers", buffers).put("macs", macs)
                .put("inputSizeMb", inputSizeMb()).put("forwardBackwardSizeMb", forwardBackwardSizeMb())
                .put("paramsSizeMb", paramsSizeMb()).put("totalSizeMb", totalSizeMb());
        ArrayNode layers = root.putArray("layers");
        for (SummaryRow r : rows) {
            ObjectNode layer = layers.addObject().put("name", r.name()).put("type", r.type());
            ArrayNode shape = layer.putArray("outputShape");
            for (int d : r.outputShape().dims()) {
                shape.add(d);
            }
            ReceptiveField rf = r.receptiveField();
            layer.put("params", r.params()).put("macs", r.macs());
            layer.set("receptiveField", squareOrPair(f, rf.height(), rf.width()));
            layer.set("effectiveStride", squareOrPair(f, rf.strideHeight(), rf.strideWidth()));
        }
        ArrayNode warningList = root.putArray("warnings");
        warnings.forEach(warningList::add);
        try {
            return SpecParser.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A number when height and width agree, else [height, width]. */
    private static JsonNode squareOrPair(JsonNodeFactory f, long height, long width) {
        return height == width ? f.numberNode(height) : f.arrayNode().add(height).add(width);
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** 4.09 G, 1.82 M, 610 K: the scale people quote MACs at. */
    static String human(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f G", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        }
        return n >= 1_000L ? String.format(Locale.ROOT, "%.2f K", n / 1e3) : Long.toString(n);
    }
}
