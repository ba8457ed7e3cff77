package dev.striate.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.backend.Precision;
import java.util.List;

/**
 * Every setting of a training run, after {@code --config} and the flags are merged ({@link TrainingConfigParser}).
 * Keys of the JSON form are the flag names, so a {@code train.json} reads like a command line. {@code momentum}
 * and {@code lr} are resolved against the optimizer, so this record holds the values actually used. {@code input}
 * (null: the spec's) replaces the model's input size; {@code freeze} holds {@code --freeze}'s prefixes.
 */
public record TrainingConfig(
        String model,
        String data,
        InputShape input,
        int epochs,
        int batch,
        double lr,
        String optimizer,
        double momentum,
        boolean nesterov,
        double weightDecay,
        boolean noDecayBiasBn,
        String schedule,
        int warmupEpochs,
        double labelSmoothing,
        double clipGradNorm,
        String device,
        Precision precision,
        int workers,
        long seed,
        double valSplit,
        String out,
        String weights,
        List<String> freeze,
        int patience,
        int checkpointEvery,
        String transforms,
        JsonNode trainTransform,
        JsonNode evalTransform) {
    public TrainingConfig {
        freeze = List.copyOf(freeze);
    }

    /** The JSON form, keyed by flag name: what {@code RUN_DIR/config.json} records and {@code --config} reads. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("model", model);
        json.put("data", data);
        json.put("input", input == null ? null : input.toString());
        json.put("epochs", epochs);
        json.put("batch", batch);
        json.put("lr", lr);
        json.put("optimizer", optimizer);
        json.put("momentum", momentum);
        json.put("nesterov", nesterov);
        json.put("weight-decay", weightDecay);
        json.put("no-decay-bias-bn", noDecayBiasBn);
        json.put("schedule", schedule);
        json.put("warmup-epochs", warmupEpochs);
        json.put("label-smoothing", labelSmoothing);
        json.put("clip-grad-norm", clipGradNorm);
        json.put("device", device);
        json.put("precision", precision.flagValue());
        json.put("workers", workers);
        json.put("seed", seed);
        json.put("val-split", valSplit);
        json.put("out", out);
        json.put("weights", weights);
        json.put("freeze", freeze.isEmpty() ? null : String.join(",", freeze));
        json.put("patience", patience);
        json.put("checkpoint-every", checkpointEvery);
        json.put("transforms", transforms);
        json.set("train-transform", trainTransform);
        json.set("eval-transform", evalTransform);
        return json;
    }
}
