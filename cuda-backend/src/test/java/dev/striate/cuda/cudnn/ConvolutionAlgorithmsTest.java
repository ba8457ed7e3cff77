package dev.striate.cuda.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Algorithm choices recalled in memory and across instances (runs) through the cache folder: the search runs once per
 * key, a stored file that cannot be used is ignored with one notice and rewritten, and files are always whole.
 */
class ConvolutionAlgorithmsTest {
    private static final CudnnPlatform H200 = new CudnnPlatform("NVIDIA H200", 9, 0, 91900);
    private static final ConvolutionGeometry CONV = new ConvolutionGeometry(8, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1,
            1, 32, 32);

    @TempDir
    Path cache;

    private final List<String> notices = new ArrayList<>();
    private final AtomicInteger searches = new AtomicInteger();

    /** cuDNN's answer to every search: algorithm 1 (IMPLICIT_PRECOMP_GEMM forward), FMA, 4 KiB of workspace. */
    private Supplier<List<AlgorithmPerformance>> search() {
        return () -> {
            searches.incrementAndGet();
            return List.of(new AlgorithmPerformance(1, 0, 0.5f, 4096, MathType.FMA));
        };
    }

    private ConvolutionAlgorithms onDisk(CudnnPlatform platform) {
        return ConvolutionAlgorithms.onDisk(platform, cache, notices::add);
    }

    private AlgorithmChoice chooseForward(ConvolutionAlgorithms algorithms, ConvolutionGeometry geometry) {
        return algorithms.choose(ConvolutionDirection.FORWARD, geometry, MathType.FMA, Cudnn.DATA_FLOAT,
                Cudnn.TENSOR_NCHW, search());
    }

    /** The platform's folder of stored choices. */
    private Path folder() {
        return cache.resolve("cudnn-algorithms/NVIDIA-H200-sm90-cudnn91900");
    }

    /** The files stored in the platform's folder. */
    private List<Path> files() {
        try (Stream<Path> files = Files.list(folder())) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSecondInstanceRecallsTheChoiceWithoutSearching() {
        AlgorithmChoice first = chooseForward(onDisk(H200), CONV);
        assertEquals(new AlgorithmChoice(1, MathType.FMA, 4096), first);
        assertEquals(1, searches.get());
        assertEquals(1, files().size(), "one file per choice");

        ConvolutionAlgorithms nextRun = onDisk(H200);
        assertEquals(first, chooseForward(nextRun, CONV));
        assertEquals(first, chooseForward(nextRun, CONV));
        assertEquals(1, searches.get(), "the next run searched again");
        assertEquals(0, nextRun.searches());
        assertEquals(List.of(), notices);
    }

    @Test
    void inMemoryChoicesAreSearchedOncePerKeyAndNeverWritten() {
        ConvolutionAlgorithms algorithms = ConvolutionAlgorithms.inMemory(H200);
        chooseForward(algorithms, CONV);
        chooseForward(algorithms, CONV);
        assertEquals(1, searches.get());
        assertEquals(0, cache.toFile().list().length);
    }

    /** The base key and, one field changed in each, a key per field of AlgorithmKey and ConvolutionGeometry. */
    static List<AlgorithmKey> keysDifferingInOneField() {
        ConvolutionGeometry g = CONV;
        List<ConvolutionGeometry> geometries = List.of(
                new ConvolutionGeometry(9, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 32, 32),
                new ConvolutionGeometry(8, 4, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 32, 32),
                new ConvolutionGeometry(8, 3, 33, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 32, 32),
                new ConvolutionGeometry(8, 3, 32, 33, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 32, 32),
                new ConvolutionGeometry(8, 3, 32, 32, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 32, 32),
                new ConvolutionGeometry(8, 3, 32, 32, 16, 5, 3, 1, 1, 1, 1, 1, 1, 1, 32, 32),
                new ConvolutionGeometry(8, 3, 32, 32, 16, 3, 5, 1, 1, 1, 1, 1, 1, 1, 32, 32),
                new ConvolutionGeometry(8, 3, 32, 32, 16, 3, 3, 2, 1, 1, 1, 1, 1, 1, 32, 32),
                new ConvolutionGeometry(8, 3, 32, 32, 16, 3, 3, 1, 2, 1, 1, 1, 1, 1, 32, 32),
                new ConvolutionGeometry(8, 3, 32, 32, 16, 3, 3, 1, 1, 2, 1, 1, 1, 1, 32, 32),
                new ConvolutionGeometry(8, 3, 32, 32, 16, 3, 3, 1, 1, 1, 2, 1, 1, 1, 32, 32),
                new ConvolutionGeometry(8, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 2, 1, 1, 32, 32),
                new ConvolutionGeometry(8, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 2, 1, 32, 32),
                new ConvolutionGeometry(8, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 3, 32, 32),
                new ConvolutionGeometry(8, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 31, 32),
                new ConvolutionGeometry(8, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 32, 31));
        List<AlgorithmKey> keys = new ArrayList<>();
        keys.add(new AlgorithmKey(H200, ConvolutionDirection.FORWARD, MathType.FMA, 0, 0, g));
        keys.add(new AlgorithmKey(new CudnnPlatform("NVIDIA H100 80GB HBM3", 9, 0, 91900),
                ConvolutionDirection.FORWARD, MathType.FMA, 0, 0, g));
        keys.add(new AlgorithmKey(new CudnnPlatform("NVIDIA H200", 8, 9, 91900), ConvolutionDirection.FORWARD,
                MathType.FMA, 0, 0, g));
        keys.add(new AlgorithmKey(new CudnnPlatform("NVIDIA H200", 9, 1, 91900), ConvolutionDirection.FORWARD,
                MathType.FMA, 0, 0, g));
        keys.add(new AlgorithmKey(new CudnnPlatform("NVIDIA H200", 9, 0, 91400), ConvolutionDirection.FORWARD,
                MathType.FMA, 0, 0, g));
        keys.add(new AlgorithmKey(H200, ConvolutionDirection.BACKWARD_DATA, MathType.FMA, 0, 0, g));
        keys.add(new AlgorithmKey(H200, ConvolutionDirection.BACKWARD_FILTER, MathType.FMA, 0, 0, g));
        keys.add(new AlgorithmKey(H200, ConvolutionDirection.FORWARD, MathType.TENSOR_OP, 0, 0, g));
        keys.add(new AlgorithmKey(H200, ConvolutionDirection.FORWARD, MathType.FMA, 9, 0, g));
        keys.add(new AlgorithmKey(H200, ConvolutionDirection.FORWARD, MathType.FMA, 0, 1, g));
        geometries.forEach(other -> keys.add(new AlgorithmKey(H200, ConvolutionDirection.FORWARD, MathType.FMA, 0, 0,
                other)));
        return keys;
    }

    @Test
    void keysDifferWhenAnyFieldDiffers() {
        List<AlgorithmKey> keys = keysDifferingInOneField();
        assertEquals(1 + 4 + 2 + 1 + 1 + 1 + 16, keys.size());
        assertEquals(keys.size(), new HashSet<>(keys).size(), "two keys with a different field are equal");
        Set<Path> files = new HashSet<>();
        keys.forEach(key -> files.add(new StoredChoices(cache, key.platform()).file(key)));
        assertEquals(keys.size(), files.size(), "two keys share a file");
    }

    @Test
    void everyFieldOfTheKeyTakesItsOwnSearch() {
        ConvolutionAlgorithms algorithms = onDisk(H200);
        for (AlgorithmKey key : keysDifferingInOneField()) {
            ConvolutionAlgorithms forPlatform = key.platform().equals(H200) ? algorithms : onDisk(key.platform());
            forPlatform.choose(key.direction(), key.geometry(), key.mathType(), key.dataType(), key.layout(),
                    search());
        }
        assertEquals(keysDifferingInOneField().size(), searches.get());
        ConvolutionAlgorithms nextRun = onDisk(H200);
        for (AlgorithmKey key : keysDifferingInOneField()) {
            if (key.platform().equals(H200)) {
                nextRun.choose(key.direction(), key.geometry(), key.mathType(), key.dataType(), key.layout(),
                        search());
            }
        }
        assertEquals(keysDifferingInOneField().size(), searches.get(), "a stored key was searched again");
        try (Stream<Path> files = Files.list(cache.resolve("cudnn-algorithms"))) {
            assertEquals(5, files.count(), "one folder per platform");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(keysDifferingInOneField().size() - 4, files().size(), "one file per key of this platform");
    }

    /**
     * Replaces the stored choice for CONV with {@code fileContents}, then checks that the next run searches CONV again,
     * says so once naming the file and {@code reason}, and stores a file the run after uses.
     */
    private void assertIgnoredWithOneNotice(String fileContents, String reason) throws IOException {
        chooseForward(onDisk(H200), CONV);
        Path file = files().getFirst();
        Files.writeString(file, fileContents);
        searches.set(0);

        ConvolutionAlgorithms algorithms = onDisk(H200);
        chooseForward(algorithms, CONV);
        chooseForward(algorithms, CONV);
        assertEquals(1, searches.get(), "the unusable file's choice was used");
        assertEquals(1, notices.size(), notices::toString);
        assertTrue(notices.getFirst().startsWith("notice: ignoring the cuDNN algorithm cache " + file + ": "),
                notices.getFirst());
        assertTrue(notices.getFirst().contains(reason), notices.getFirst());
        assertTrue(notices.getFirst().endsWith("it will be rewritten"), notices.getFirst());

        ConvolutionAlgorithms nextRun = onDisk(H200);
        chooseForward(nextRun, CONV);
        assertEquals(1, searches.get(), "the rewritten file was not used");
        assertEquals(1, notices.size(), "the rewritten file is usable");
        assertEquals(List.of(file), files());
    }

    @Test
    void aCorruptFileIsIgnoredWithOneNoticeAndRewritten() throws IOException {
        assertIgnoredWithOneNotice("{\"format\": \"striate cuDNN convolution algorithm\", \"vers", "not valid");
    }

    @Test
    void aFileOfAnotherFormatOrVersionIsIgnored() throws IOException {
        String stored = storedFileFor(H200, CONV, new AlgorithmChoice(1, MathType.FMA, 0));
        assertIgnoredWithOneNotice(stored.replace("\"version\" : 1", "\"version\" : 99"), "version 99");
    }

    @Test
    void aFileWithMissingFieldsIsIgnored() throws IOException {
        assertIgnoredWithOneNotice("{\"format\": \"striate cuDNN convolution algorithm\", \"version\": 1,"
                + " \"key\": {}, \"choice\": {}}", "not valid");
    }

    @Test
    void aFileOfNullsIsIgnored() throws IOException {
        assertIgnoredWithOneNotice("null", "not valid");
    }

    @Test
    void anEmptyFileIsIgnored() throws IOException {
        assertIgnoredWithOneNotice("", "not valid");
    }

    /** The file this version writes for one forward choice, as text. */
    private String storedFileFor(CudnnPlatform platform, ConvolutionGeometry geometry, AlgorithmChoice choice)
            throws IOException {
        Path elsewhere = Files.createTempDirectory(cache, "other");
        ConvolutionAlgorithms.onDisk(platform, elsewhere, notices::add).choose(ConvolutionDirection.FORWARD, geometry,
                MathType.FMA, Cudnn.DATA_FLOAT, Cudnn.TENSOR_NCHW,
                () -> List.of(new AlgorithmPerformance(choice.algorithm(), 0, 0.1f, choice.workspaceBytes(),
                        choice.mathType())));
        try (Stream<Path> files = Files.walk(elsewhere)) {
            return Files.readString(files.filter(Files::isRegularFile).findFirst().orElseThrow());
        }
    }

    @Test
    void anotherPlatformsFileIsIgnored() throws IOException {
        String foreign = storedFileFor(new CudnnPlatform("NVIDIA A100", 8, 0, 90100), CONV,
                new AlgorithmChoice(1, MathType.FMA, 0));
        assertIgnoredWithOneNotice(foreign, "holds the choice for");
    }

    @Test
    void anotherConvolutionsFileIsIgnored() throws IOException {
        String other = storedFileFor(H200, new ConvolutionGeometry(1, 1, 8, 8, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 8, 8),
                new AlgorithmChoice(1, MathType.FMA, 0));
        assertIgnoredWithOneNotice(other, "holds the choice for");
    }

    @Test
    void aChoiceTodaysRulesForbidIsIgnored() throws IOException {
        // Algorithm 6 is forward Winograd, which fp32 never uses.
        String file = storedFileFor(H200, CONV, new AlgorithmChoice(1, MathType.FMA, 0)).replace("\"algorithm\" : 1",
                "\"algorithm\" : 6");
        assertTrue(file.contains("\"algorithm\" : 6"), file);
        assertIgnoredWithOneNotice(file, "a choice this version would not make");
    }

    @Test
    void aCacheFolderThatCannotBeWrittenCostsOneNoticeNotTheRun() throws IOException {
        Files.writeString(cache.resolve("cudnn-algorithms"), "a file where the folder should be");
        ConvolutionAlgorithms algorithms = onDisk(H200);
        assertEquals(new AlgorithmChoice(1, MathType.FMA, 4096), chooseForward(algorithms, CONV));
        chooseForward(algorithms, new ConvolutionGeometry(1, 1, 8, 8, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 8, 8));
        assertEquals(2, searches.get());
        assertEquals(1, notices.size(), notices::toString);
    }

    @Test
    void writersInParallelAlwaysLeaveWholeFiles() throws Exception {
        int writers = 4;
        int keys = 25;
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            // Each writer is its own instance, as a separate process would be, storing the same keys.
            threads.add(Thread.ofPlatform().start(() -> {
                ConvolutionAlgorithms writer = onDisk(H200);
                for (int i = 0; i < keys; i++) {
                    chooseForward(writer, geometry(i));
                }
            }));
        }
        StoredChoices reader = new StoredChoices(cache, H200);
        int reads = 0;
        while (threads.stream().anyMatch(Thread::isAlive)) {
            for (int i = 0; i < keys; i++) {
                reader.read(new AlgorithmKey(H200, ConvolutionDirection.FORWARD, MathType.FMA, Cudnn.DATA_FLOAT,
                        Cudnn.TENSOR_NCHW, geometry(i)));
                reads++;
            }
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertTrue(reads > 0);
        assertEquals(List.of(), notices, "a writer saw a broken file");
        assertEquals(keys, files().size(), "a temporary file was left behind, or a choice is missing");
        ConvolutionAlgorithms nextRun = onDisk(H200);
        int searchedBefore = searches.get();
        for (int i = 0; i < keys; i++) {
            chooseForward(nextRun, geometry(i));
        }
        assertEquals(searchedBefore, searches.get());
    }

    private static ConvolutionGeometry geometry(int outChannels) {
        return new ConvolutionGeometry(1, 1, 8, 8, 1 + outChannels, 1, 1, 0, 0, 1, 1, 1, 1, 1, 8, 8);
    }
}
