package dev.striate.cuda.cudnn;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.striate.cuda.natives.CacheFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One platform's convolution algorithm choices on disk, as JSON, in {@code <cache>/cudnn-algorithms/<platform>.json}.
 * The file is always written whole (a temporary file renamed over it), so a reader or a second process never sees
 * half a file; two processes that add choices at once may lose one's latest additions, which are then measured again.
 */
final class AlgorithmCacheFile {
    static final String FORMAT = "striate cuDNN convolution algorithms";
    /** Raised whenever the rules of {@link AlgorithmChoice} change, so that older choices are measured again. */
    static final int VERSION = 1;

    /** The file does not hold choices this version can use; the message says why. */
    static final class Unusable extends Exception {
        Unusable(String reason) {
            super(reason);
        }
    }

    private record Entry(AlgorithmKey key, AlgorithmChoice choice) {
    }

    private record Contents(String format, int version, List<Entry> entries) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final CudnnPlatform platform;

    AlgorithmCacheFile(Path cacheFolder, CudnnPlatform platform) {
        this.file = cacheFolder.resolve("cudnn-algorithms").resolve(platform.fileStem() + ".json");
        this.platform = platform;
    }

    Path path() {
        return file;
    }

    /** The choices stored, none when there is no file yet. */
    Map<AlgorithmKey, AlgorithmChoice> read() throws IOException, Unusable {
        Contents contents;
        try {
            contents = JSON.readValue(Files.readAllBytes(file), Contents.class);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (JacksonException e) {
            throw new Unusable("it is not valid: " + e.getOriginalMessage());
        }
        if (contents == null || contents.entries().contains(null)) {
            throw new Unusable("it is not valid: null where choices belong");
        }
        if (!FORMAT.equals(contents.format()) || contents.version() != VERSION) {
            throw new Unusable("it is '" + contents.format() + "' version " + contents.version() + ", not '" + FORMAT
                    + "' version " + VERSION);
        }
        Map<AlgorithmKey, AlgorithmChoice> choices = new HashMap<>();
        for (Entry entry : contents.entries()) {
            if (!entry.key().platform().equals(platform)) {
                throw new Unusable("it holds choices for " + entry.key().platform() + ", not " + platform);
            }
            if (!entry.choice().obeysRules(entry.key().direction(), entry.key().mathType())) {
                throw new Unusable("it holds a choice this version would not make: " + entry);
            }
            choices.put(entry.key(), entry.choice());
        }
        return choices;
    }

    /** Replaces the file with these choices, written whole. */
    void write(Map<AlgorithmKey, AlgorithmChoice> choices) throws IOException {
        List<Entry> entries = new ArrayList<>();
        choices.forEach((key, choice) -> entries.add(new Entry(key, choice)));
        // A stable order, so that the same choices always make the same file.
        entries.sort(Comparator.comparing(entry -> entry.key().toString()));
        CacheFolder.store(file, JSON.writeValueAsBytes(new Contents(FORMAT, VERSION, entries)));
    }
}
