package dev.striate.core.io;

import dev.striate.core.UserException;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.op.ParamSpec;
import dev.striate.core.tensor.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's state (parameters and batch-norm buffers, named like torchvision's state_dict keys) as host tensors,
 * and loading such state back into a model. Loading checks every name, shape and dtype first and reports every
 * mismatch in one message, so a user sees the whole difference at once, and it changes nothing unless all fit.
 */
public final class StateDicts {
    /** How many mismatches one message lists before it says how many more there are. */
    static final int LISTED_MISMATCHES = 12;

    private static final Set<DType> FLOAT_SOURCES = Set.of(DType.F32, DType.F16, DType.BF16, DType.F64);
    private static final Set<DType> INTEGER_SOURCES = Set.of(DType.I64, DType.I32);
    /** The batch-norm buffer that PyTorch state dicts before version 0.4.1 lack. */
    private static final String BATCHES_TRACKED = ".num_batches_tracked";

    private StateDicts() {
    }

    /** Every parameter and buffer of the store, in graph order, as the dtype its op declares. */
    public static LinkedHashMap<String, HostTensor> capture(ParameterStore store) {
        LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
        for (String name : store.names()) {
            ParamSpec spec = store.spec(name).spec();
            tensors.put(name, new HostTensor(spec.dtype(), spec.shape(), store.read(name)));
        }
        return tensors;
    }

    /** {@link #load(ParameterStore, Map, String, String)} for a model without a name to report. */
    public static void load(ParameterStore store, Map<String, HostTensor> tensors, String source) {
        load(store, tensors, source, null);
    }

    /**
     * Writes the tensors into the store's parameters and buffers. Float parameters accept F32, F16, BF16 and F64
     * values; integer buffers (num_batches_tracked) accept I64 and I32, and may be absent, as PyTorch allows for
     * state dicts of older versions (they keep their count). Every other parameter must be present and nothing else;
     * otherwise a {@link UserException} lists what is missing, unexpected or of the wrong shape or dtype, and the
     * store is left as it was.
     */
    public static void load(ParameterStore store, Map<String, HostTensor> tensors, String source, String model) {
        loadExcept(store, tensors, source, model, Set.of());
    }

    /**
     * {@link #load(ParameterStore, Map, String, String)} for fine-tuning: the tensors named in {@code drawnAfresh}
     * (a classifier's, when the data has other classes than the file's) that are missing or of another shape keep
     * the store's values. Returns their names; any other mismatch is an error as in {@code load}.
     */
    public static List<String> loadExcept(ParameterStore store, Map<String, HostTensor> tensors, String source,
                                          String model, Set<String> drawnAfresh) {
        List<String> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (String name : store.names()) {
            HostTensor tensor = tensors.get(name);
            ParamSpec spec = store.spec(name).spec();
            boolean fits = tensor != null && tensor.shape().equals(spec.shape());
            if (!fits && drawnAfresh.contains(name)) {
                kept.add(name);
            } else if (tensor == null && name.endsWith(BATCHES_TRACKED)) {
                continue;
            } else if (tensor == null) {
                missing.add("missing " + name);
            } else if (!fits) {
                wrong.add(name + " is " + tensor.shape() + ", model wants " + spec.shape());
            } else if (!accepted(spec.dtype()).contains(tensor.dtype())) {
                wrong.add(name + " is " + tensor.dtype() + ", model wants " + (spec.dtype().isFloatingPoint()
                        ? "a float type (F32, F16, BF16, F64)" : "an integer type (I64, I32)"));
            }
        }
        List<String> unexpected = tensors.keySet().stream().filter(name -> !store.contains(name))
                .map(name -> "unexpected " + name).toList();
        List<String> problems = new ArrayList<>(missing);
        problems.addAll(unexpected);
        problems.addAll(wrong);
        if (!problems.isEmpty()) {
            throw new UserException(source + " does not fit " + (model == null ? "the model" : "model " + model)
                    + ": " + listing(problems));
        }
        for (String name : store.names()) {
            if (tensors.containsKey(name) && !kept.contains(name)) {
                store.write(name, tensors.get(name).values());
            }
        }
        return List.copyOf(kept);
    }

    /** Reads a safetensors file and loads it, as {@link #load(ParameterStore, Map, String, String)}. */
    /**
     * Refuses weights that hold NaN or infinite values (a run that diverged, a damaged file): evaluating them gives
     * no accuracy worth reporting. Names the first tensor at fault and how many values are not finite.
     */
    public static void requireFinite(Map<String, HostTensor> tensors, String source) {
        for (Map.Entry<String, HostTensor> entry : tensors.entrySet()) {
            long bad = Arrays.stream(entry.getValue().values()).filter(v -> !Double.isFinite(v)).count();
            if (bad > 0) {
                throw new UserException(source + ": the weights hold NaN or infinite values (" + bad + " in '"
                        + entry.getKey() + "'); the training diverged or the file is damaged: use an earlier"
                        + " checkpoint or train again with a lower --lr");
            }
        }
    }

    public static void loadFile(ParameterStore store, Path file, String model) {
        load(store, SafeTensors.read(file), file.toString(), model);
    }

    public static void loadFile(ParameterStore store, Path file) {
        loadFile(store, file, null);
    }

    /**
     * Writes the store's state as a safetensors file. The metadata gets {@code format: pt} unless it says
     * otherwise: the tensors are laid out as PyTorch's (NCHW, [out, in]), and Hugging Face's loaders look for it.
     */
    public static void saveFile(ParameterStore store, Path file, Map<String, String> metadata) {
        Map<String, String> withFormat = new LinkedHashMap<>();
        withFormat.put("format", "pt");
        if (metadata != null) {
            withFormat.putAll(metadata);
        }
        SafeTensors.write(file, capture(store), withFormat);
    }

    private static Set<DType> accepted(DType wanted) {
        return wanted.isFloatingPoint() ? FLOAT_SOURCES : INTEGER_SOURCES;
    }

    private static String listing(List<String> problems) {
        if (problems.size() <= LISTED_MISMATCHES) {
            return String.join("; ", problems);
        }
        return String.join("; ", problems.subList(0, LISTED_MISMATCHES)) + "; and "
                + (problems.size() - LISTED_MISMATCHES) + " more";
    }
}
