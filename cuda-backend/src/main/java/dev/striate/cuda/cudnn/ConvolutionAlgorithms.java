package dev.striate.cuda.cudnn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Convolution algorithms chosen once per {@link AlgorithmKey} and kept for the backend's life, and on disk across
 * runs: cuDNN's search times every algorithm (seconds for a large model), so a graph compiled again, or the next run
 * on the same GPU and cuDNN, recalls the choice instead. A cache file that cannot be used (corrupt, foreign, from
 * another version) is ignored with one notice and rewritten; one that cannot be written costs a notice, not the run.
 */
public final class ConvolutionAlgorithms {
    private final CudnnPlatform platform;
    private final AlgorithmCacheFile file;
    private final Consumer<String> notice;
    private final Map<AlgorithmKey, AlgorithmChoice> choices = new HashMap<>();
    private boolean noticeGiven;
    private int searches;

    private ConvolutionAlgorithms(CudnnPlatform platform, AlgorithmCacheFile file, Consumer<String> notice) {
        this.platform = platform;
        this.file = file;
        this.notice = notice;
    }

    /** Choices kept in memory only. */
    public static ConvolutionAlgorithms inMemory(CudnnPlatform platform) {
        return new ConvolutionAlgorithms(platform, null, line -> {
        });
    }

    /** Choices kept in memory and in {@code cacheFolder}, starting from those stored there for this platform. */
    public static ConvolutionAlgorithms onDisk(CudnnPlatform platform, Path cacheFolder, Consumer<String> notice) {
        ConvolutionAlgorithms algorithms = new ConvolutionAlgorithms(platform,
                new AlgorithmCacheFile(cacheFolder, platform), notice);
        algorithms.choices.putAll(algorithms.stored());
        return algorithms;
    }

    /**
     * The choice already made for this convolution, or the one made from {@code search}'s results (cuDNN's Find,
     * fastest first), then stored.
     */
    public synchronized AlgorithmChoice choose(ConvolutionDirection direction, ConvolutionGeometry geometry,
                                               int mathType, int dataType, int layout,
                                               Supplier<List<AlgorithmPerformance>> search) {
        AlgorithmKey key = new AlgorithmKey(platform, direction, mathType, dataType, layout, geometry);
        AlgorithmChoice known = choices.get(key);
        if (known != null) {
            return known;
        }
        searches++;
        AlgorithmChoice choice = AlgorithmChoice.choose(direction, search.get(), mathType,
                direction.text() + " convolution " + geometry);
        choices.put(key, choice);
        if (file != null) {
            save();
        }
        return choice;
    }

    /** How many convolutions cuDNN had to time so far; every other choice was recalled. */
    public synchronized int searches() {
        return searches;
    }

    /** The file's choices; none (with the notice) when it cannot be used. */
    private Map<AlgorithmKey, AlgorithmChoice> stored() {
        try {
            return file.read();
        } catch (IOException e) {
            tell("ignoring the cuDNN algorithm cache " + file.path() + ": it cannot be read (" + e.getMessage() + ")");
        } catch (AlgorithmCacheFile.Unusable e) {
            tell("ignoring the cuDNN algorithm cache " + file.path() + ": " + e.getMessage()
                    + "; it will be rewritten");
        }
        return Map.of();
    }

    /** Writes every choice, with those another process stored meanwhile, so that neither loses the other's. */
    private void save() {
        Map<AlgorithmKey, AlgorithmChoice> all = new HashMap<>(stored());
        all.putAll(choices);
        try {
            file.write(all);
        } catch (IOException e) {
            tell("cannot save cuDNN algorithm choices to " + file.path() + " (" + e.getMessage()
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
