package dev.striate.cuda.cudnn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Convolution algorithms chosen once per {@link AlgorithmKey} and kept for the backend's life, and on disk across
 * runs: cuDNN's search times every algorithm (seconds for a large model), so a graph compiled again, or the next run
 * on the same GPU and cuDNN, recalls the choice instead. A stored choice that cannot be used (corrupt, foreign, from
 * another version) is ignored with one notice and stored again; a cache folder that cannot be written costs a notice,
 * not the run.
 */
public final class ConvolutionAlgorithms {
    private final CudnnPlatform platform;
    private final StoredChoices stored;
    private final Consumer<String> notice;
    private final Map<AlgorithmKey, AlgorithmChoice> choices = new HashMap<>();
    private boolean noticeGiven;
    private int searches;

    private ConvolutionAlgorithms(CudnnPlatform platform, StoredChoices stored, Consumer<String> notice) {
        this.platform = platform;
        this.stored = stored;
        this.notice = notice;
    }

    /** Choices kept in memory only. */
    public static ConvolutionAlgorithms inMemory(CudnnPlatform platform) {
        return new ConvolutionAlgorithms(platform, null, line -> {
        });
    }

    /** Choices kept in memory and in {@code cacheFolder}, where earlier runs on this platform stored theirs. */
    public static ConvolutionAlgorithms onDisk(CudnnPlatform platform, Path cacheFolder, Consumer<String> notice) {
        return new ConvolutionAlgorithms(platform, new StoredChoices(cacheFolder, platform), notice);
    }

    /**
     * The choice already made for this convolution (in this process or stored by an earlier one), or the one made
     * from {@code search}'s results (cuDNN's Find, fastest first), then stored.
     */
    public synchronized AlgorithmChoice choose(ConvolutionDirection direction, ConvolutionGeometry geometry,
                                               int mathType, int dataType, int layout,
                                               Supplier<List<AlgorithmPerformance>> search) {
        AlgorithmKey key = new AlgorithmKey(platform, direction, mathType, dataType, layout, geometry);
        AlgorithmChoice known = choices.get(key);
        if (known == null && stored != null) {
            known = recall(key).orElse(null);
        }
        if (known == null) {
            searches++;
            known = AlgorithmChoice.choose(direction, search.get(), mathType,
                    direction.text() + " convolution " + geometry);
            if (stored != null) {
                store(key, known);
            }
        }
        choices.put(key, known);
        return known;
    }

    /** How many convolutions cuDNN had to time so far; every other choice was recalled. */
    public synchronized int searches() {
        return searches;
    }

    private Optional<AlgorithmChoice> recall(AlgorithmKey key) {
        try {
            return stored.read(key);
        } catch (IOException e) {
            tell("ignoring the cuDNN algorithm cache " + stored.file(key) + ": it cannot be read (" + e + ")");
        } catch (StoredChoices.Unusable e) {
            tell("ignoring the cuDNN algorithm cache " + stored.file(key) + ": " + e.getMessage()
                    + "; it will be rewritten");
        }
        return Optional.empty();
    }

    private void store(AlgorithmKey key, AlgorithmChoice choice) {
        try {
            stored.write(key, choice);
        } catch (IOException e) {
            tell("cannot save cuDNN algorithm choices to " + stored.file(key) + " (" + e
                    + "): they will be measured again next run; set XDG_CACHE_HOME to a writable folder");
        }
    }

    private void tell(String line) {
        if (!noticeGiven) {
            noticeGiven = true;
            notice.accept("notice: " + line);
        }
    }
}
