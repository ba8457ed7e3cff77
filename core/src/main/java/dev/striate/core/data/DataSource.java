package dev.striate.core.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A data set as it is stored, before any split by fraction: what {@code striate dataset info} reports.
 * {@code splits} maps "train" and "val" (IDX: train-* and t10k-*) or "all" (one folder of classes) to data,
 * in that order.
 */
public record DataSource(String location, DatasetLayout layout, Map<String, Dataset> splits) {
    public DataSource {
        splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
    }
}
