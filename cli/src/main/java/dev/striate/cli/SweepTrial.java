package dev.striate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished trial of a sweep, as its {@code trial.json} records it: its number (from 1), the searched values as flag
 * text, validation top-1 after each epoch it trained, and how it ended.
 *
 * @param status {@link #FINISHED}, {@link #PRUNED} (stopped by median pruning) or {@link #DIVERGED} (a non-finite loss)
 */
record SweepTrial(int number, Map<String, String> values, List<Double> validationTop1, String status) {
    static final String FILE = "trial.json";
    static final String FINISHED = "finished";
    static final String PRUNED = "pruned";
    static final String DIVERGED = "diverged";

    SweepTrial {
        values = Map.copyOf(values);
        validationTop1 = List.copyOf(validationTop1);
    }

    /** The best validation top-1 over its epochs (the accuracy of its best checkpoint); 0 when none finished. */
    double bestTop1() {
        return validationTop1.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    int epochs() {
        return validationTop1.size();
    }

    ObjectNode toJson(List<String> keys) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("trial", number);
        ObjectNode drawn = json.putObject("values");
        keys.forEach(key -> drawn.put(key, values.get(key)));
        validationTop1.forEach(json.putArray("validationTop1")::add);
        json.put("status", status);
        return json;
    }

    static SweepTrial fromJson(JsonNode json) {
        Map<String, String> values = new LinkedHashMap<>();
        json.path("values").properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
        List<Double> top1 = new ArrayList<>();
        json.path("validationTop1").forEach(v -> top1.add(v.asDouble()));
        return new SweepTrial(json.path("trial").asInt(), values, top1, json.path("status").asText());
    }
}
