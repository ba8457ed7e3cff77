package dev.striate.cuda.cudnn;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.striate.cuda.natives.CacheFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Convolution algorithm choices on disk, one small JSON file per {@link AlgorithmKey}:
 * {@code <cache>/cudnn-algorithms/<platform>/<sha-256 of the key, 16 hex>.json}, holding the key itself (so a file
 * that does not answer its key is recognized) and the choice. A file is written whole (a temporary file renamed over
 * it) and only ever replaced, never edited, so a reader or a second process never sees half of one, and storing a
 * choice costs one small write however many the folder holds.
 */
final class StoredChoices {
    static final String FORMAT = "striate cuDNN convolution algorithm";
    /** Raised whenever the rules of {@link AlgorithmChoice} change, so that older choices are measured again. */
    static final int VERSION = 1;

    /** A file that does not hold a choice this version can use for its key; the message says why. */
    static final class Unusable extends Exception {
        Unusable(String reason) {
            super(reason);
        }
    }

    private record Stored(String format, int version, AlgorithmKey key, AlgorithmChoice choice) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path folder;

    StoredChoices(Path cacheFolder, CudnnPlatform platform) {
        this.folder = cacheFolder.resolve("cudnn-algorithms").resolve(platform.fileStem());
    }

    /** Where the choice for {@code key} is stored. */
    Path file(AlgorithmKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsString(key)
                    .getBytes(StandardCharsets.UTF_8));
            return folder.resolve(HexFormat.of().formatHex(digest).substring(0, 16) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        } catch (JacksonException e) {
            throw new IllegalStateException("a key of numbers and names is always JSON: " + key, e);
        }
    }

    /** The choice stored for {@code key}, empty when none is. */
    Optional<AlgorithmChoice> read(AlgorithmKey key) throws IOException, Unusable {
        Stored stored;
        try {
            stored = JSON.readValue(Files.readAllBytes(file(key)), Stored.class);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (JacksonException e) {
            throw new Unusable("it is not valid: " + e.getOriginalMessage());
        }
        if (stored == null) {
            throw new Unusable("it is not valid: null where a choice belongs");
        }
        if (!FORMAT.equals(stored.format()) || stored.version() != VERSION) {
            throw new Unusable("it is '" + stored.format() + "' version " + stored.version() + ", not '" + FORMAT
                    + "' version " + VERSION);
        }
        if (!stored.key().equals(key)) {
            throw new Unusable("it holds the choice for " + stored.key() + ", not for " + key);
        }
        if (!stored.choice().obeysRules(key.direction(), key.mathType())) {
            throw new Unusable("it holds a choice this version would not make: " + stored.choice());
        }
        return Optional.of(stored.choice());
    }

    /** Stores {@code choice} for {@code key}, replacing the file whole. */
    void write(AlgorithmKey key, AlgorithmChoice choice) throws IOException {
        CacheFolder.store(file(key), JSON.writeValueAsBytes(new Stored(FORMAT, VERSION, key, choice)));
    }
}
