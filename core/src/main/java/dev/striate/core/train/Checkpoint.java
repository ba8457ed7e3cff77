package dev.striate.core.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.io.HostTensor;
import dev.striate.core.io.SafeTensors;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint directory ({@code RUN_DIR/last}, {@code RUN_DIR/best}): {@code model.safetensors} (weights and
 * buffers), {@code optimizer.safetensors} (moments, float64), {@code state.json} ({@link CheckpointState}),
 * {@code spec.json}, {@code config.json}, and last {@code manifest.json}, which lists every file's size and SHA-256.
 * It is written through {@link AtomicDirectory}, and a directory whose manifest does not verify is not a checkpoint:
 * a kill at any instant leaves the previous one whole.
 */
public final class Checkpoint {
    public static final String LAST = "last";
    public static final String BEST = "best";
    public static final String WEIGHTS = "model.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String STATE = "state.json";
    public static final String SPEC = "spec.json";
    public static final String CONFIG = "config.json";
    public static final String MANIFEST = "manifest.json";
    /** The weights file's metadata key for the class names (a JSON array), so the file alone names its classes. */
    public static final String CLASSES_METADATA = "classes";
    private static final List<String> FILES = List.of(WEIGHTS, OPTIMIZER, STATE, SPEC, CONFIG);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoint() {
    }

    /** Writes {@code contents} as the directory {@code target}, replacing any checkpoint there only when complete. */
    public static void write(Path target, CheckpointContents contents) throws IOException {
        AtomicDirectory.replace(target, directory -> writeFiles(directory, contents), Checkpoint::isComplete);
    }

    /** Puts {@code target} back into one whole checkpoint (or none) after a crash during {@link #write}. */
    public static void recover(Path target) throws IOException {
        AtomicDirectory.recover(target, Checkpoint::isComplete);
    }

    private static void writeFiles(Path directory, CheckpointContents contents) throws IOException {
        Map<String, String> metadata = Map.of("format", "pt", "model", contents.state().model(), CLASSES_METADATA,
                JSON.writeValueAsString(contents.state().classes()));
        SafeTensors.write(directory.resolve(WEIGHTS), exactWeights(contents.weights()), metadata);
        Map<String, HostTensor> optimizer = new LinkedHashMap<>();
        contents.optimizerState().forEach((name, values) ->
                optimizer.put(name, new HostTensor(DType.F64, Shape.of(values.length), values)));
        SafeTensors.write(directory.resolve(OPTIMIZER), optimizer, Map.of("format", "striate-optimizer"));
        Files.writeString(directory.resolve(STATE), JSON.writeValueAsString(contents.state()));
        Files.writeString(directory.resolve(SPEC), contents.specJson());
        Files.writeString(directory.resolve(CONFIG), contents.configJson());
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", "striate-checkpoint");
        manifest.put("version", CheckpointState.FORMAT);
        ObjectNode files = manifest.putObject("files");
        for (String name : FILES) {
            Path file = directory.resolve(name);
            files.putObject(name).put("bytes", Files.size(file)).put("sha256", sha256(file));
        }
        Files.writeString(directory.resolve(MANIFEST), JSON.writeValueAsString(manifest));
    }

    /**
     * Float weights go to the file as F32 when every value is a float32 (any backend computing in float32), and as
     * F64 otherwise (the reference backend computes in float64), so that resuming continues from the same values.
     */
    private static Map<String, HostTensor> exactWeights(Map<String, HostTensor> weights) {
        Map<String, HostTensor> exact = new LinkedHashMap<>();
        weights.forEach((name, tensor) -> exact.put(name, tensor.dtype() == DType.F32
                && !allFloat32(tensor.values()) ? new HostTensor(DType.F64, tensor.shape(), tensor.values())
                : tensor));
        return exact;
    }

    private static boolean allFloat32(double[] values) {
        for (double value : values) {
            if ((double) (float) value != value && !Double.isNaN(value)) {
                return false;
            }
        }
        return true;
    }

    /** The class names a weights file's metadata lists, or null when it lists none (a file from elsewhere). */
    public static List<String> classesOf(Map<String, String> metadata) {
        String text = metadata.get(CLASSES_METADATA);
        if (text == null) {
            return null;
        }
        try {
            return List.of(JSON.readValue(text, String[].class));
        } catch (JsonProcessingException e) {
            throw new UserException("the weights file's '" + CLASSES_METADATA + "' metadata is not a JSON list of"
                    + " names: " + e.getOriginalMessage());
        }
    }

    /** True when the directory holds every file its manifest lists, with the listed sizes and hashes. */
    public static boolean isComplete(Path directory) {
        return problem(directory) == null;
    }

    /** What is wrong with a checkpoint directory, or null when it is whole. */
    static String problem(Path directory) {
        Path manifestFile = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            return "it has no " + MANIFEST + " (not a checkpoint, or one whose writing was interrupted)";
        }
        try {
            JsonNode manifest = JSON.readTree(manifestFile.toFile());
            JsonNode files = manifest.path("files");
            for (String name : FILES) {
                JsonNode entry = files.path(name);
                Path file = directory.resolve(name);
                if (!entry.isObject() || !Files.isRegularFile(file)) {
                    return name + " is missing";
                }
                if (Files.size(file) != entry.path("bytes").asLong(-1)
                        || !sha256(file).equals(entry.path("sha256").asText())) {
                    return name + " does not match the manifest (the file was changed or damaged)";
                }
            }
            return null;
        } catch (IOException e) {
            return "it cannot be read (" + e.getMessage() + ")";
        }
    }

    /** Reads a whole checkpoint; a damaged or incomplete one is a {@link UserException} naming what is wrong. */
    public static CheckpointContents read(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new UserException("no checkpoint at " + directory + ": the folder does not exist");
        }
        String problem = problem(directory);
        if (problem != null) {
            throw new UserException("checkpoint " + directory + " cannot be used: " + problem);
        }
        try {
            CheckpointState state = JSON.readValue(directory.resolve(STATE).toFile(), CheckpointState.class);
            if (state.format() != CheckpointState.FORMAT) {
                throw new UserException("checkpoint " + directory + " has format " + state.format()
                        + "; this striate reads format " + CheckpointState.FORMAT);
            }
            Map<String, double[]> optimizer = new LinkedHashMap<>();
            SafeTensors.read(directory.resolve(OPTIMIZER)).forEach((name, tensor) ->
                    optimizer.put(name, tensor.values()));
            return new CheckpointContents(state, SafeTensors.read(directory.resolve(WEIGHTS)), optimizer,
                    Files.readString(directory.resolve(SPEC)), Files.readString(directory.resolve(CONFIG)));
        } catch (JsonProcessingException e) {
            throw new UserException("checkpoint " + directory + ": " + STATE + " is not valid ("
                    + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UserException("checkpoint " + directory + " cannot be read: " + e.getMessage());
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
