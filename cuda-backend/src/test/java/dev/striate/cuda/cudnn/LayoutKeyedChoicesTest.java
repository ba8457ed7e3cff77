package dev.striate.cuda.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Algorithm choices are kept per layout (cuDNN's tensor format), and the cache files written before channels-last
 * work existed keep working: their keys hold layout 0 (NCHW), which is what they were measured with.
 */
class LayoutKeyedChoicesTest {
    private static final CudnnPlatform H200 = new CudnnPlatform("NVIDIA H200", 9, 0, 91900);
    private static final ConvolutionGeometry CONV = new ConvolutionGeometry(8, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1,
            1, 32, 32);
    /** Where the version before channels-last work stored the choice for FIXTURE's key (its name made by that one). */
    private static final String FIXTURE_FILE = "cudnn-algorithms/NVIDIA-H200-sm90-cudnn91900/e9c5ec5234ac188e.json";
    /** The file that version wrote for a bf16 forward convolution with tensor cores: algorithm 1, 4 KiB. */
    private static final String FIXTURE = """
            {
              "format" : "striate cuDNN convolution algorithm",
              "version" : 1,
              "key" : {
                "platform" : {
                  "gpu" : "NVIDIA H200",
                  "computeMajor" : 9,
                  "computeMinor" : 0,
                  "cudnnVersion" : 91900
                },
                "direction" : "FORWARD",
                "mathType" : 1,
                "dataType" : 9,
                "layout" : 0,
                "geometry" : {
                  "batch" : 8,
                  "inChannels" : 3,
                  "height" : 32,
                  "width" : 32,
                  "outChannels" : 16,
                  "kernelH" : 3,
                  "kernelW" : 3,
                  "padH" : 1,
                  "padW" : 1,
                  "strideH" : 1,
                  "strideW" : 1,
                  "dilationH" : 1,
                  "dilationW" : 1,
                  "groups" : 1,
                  "outHeight" : 32,
                  "outWidth" : 32
                }
              },
              "choice" : {
                "algorithm" : 1,
                "mathType" : 1,
                "workspaceBytes" : 4096
              }
            }""";

    @TempDir
    Path cache;

    private final List<String> notices = new ArrayList<>();
    private int searches;

    /** cuDNN's answer to every search here: algorithm 0 on tensor cores, no workspace (unlike the fixture's). */
    private Supplier<List<AlgorithmPerformance>> search() {
        return () -> {
            searches++;
            return List.of(new AlgorithmPerformance(0, 0, 0.25f, 0, MathType.TENSOR_OP));
        };
    }

    private AlgorithmChoice choose(ConvolutionAlgorithms algorithms, int layout) {
        return algorithms.choose(ConvolutionDirection.FORWARD, CONV, MathType.TENSOR_OP, Cudnn.DATA_BFLOAT16, layout,
                search());
    }

    private Path storeFixture(String contents) throws IOException {
        Path file = cache.resolve(FIXTURE_FILE);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, contents);
    }

    @Test
    void aChoiceStoredBeforeChannelsLastWorkIsRecalledForNchwAndNhwcIsSearchedApart() throws IOException {
        Path old = storeFixture(FIXTURE);
        ConvolutionAlgorithms algorithms = ConvolutionAlgorithms.onDisk(H200, cache, notices::add);

        assertEquals(new AlgorithmChoice(1, MathType.TENSOR_OP, 4096), choose(algorithms, Cudnn.TENSOR_NCHW));
        assertEquals(0, searches, "the stored NCHW choice was measured again");
        assertEquals(new AlgorithmChoice(0, MathType.TENSOR_OP, 0), choose(algorithms, Cudnn.TENSOR_NHWC));
        assertEquals(1, searches, "channels-last work took the NCHW choice");
        assertEquals(List.of(), notices);
        assertEquals(FIXTURE, Files.readString(old), "the NCHW choice was rewritten");
        try (Stream<Path> files = Files.list(old.getParent())) {
            assertEquals(2, files.count(), "the NHWC choice is stored in a file of its own");
        }

        ConvolutionAlgorithms nextRun = ConvolutionAlgorithms.onDisk(H200, cache, notices::add);
        assertEquals(new AlgorithmChoice(0, MathType.TENSOR_OP, 0), choose(nextRun, Cudnn.TENSOR_NHWC));
        assertEquals(new AlgorithmChoice(1, MathType.TENSOR_OP, 4096), choose(nextRun, Cudnn.TENSOR_NCHW));
        assertEquals(1, searches, "the next run searched again");
    }

    /** A key without a layout was never written; one found in the file a choice belongs in costs a notice, no more. */
    @Test
    void aStoredKeyWithoutALayoutIsIgnoredWithOneNoticeAndRewritten() throws IOException {
        String withoutLayout = FIXTURE.replace("    \"layout\" : 0,\n", "");
        assertTrue(withoutLayout.length() < FIXTURE.length());
        Path file = storeFixture(withoutLayout);
        ConvolutionAlgorithms algorithms = ConvolutionAlgorithms.onDisk(H200, cache, notices::add);

        assertEquals(new AlgorithmChoice(0, MathType.TENSOR_OP, 0), choose(algorithms, Cudnn.TENSOR_NCHW));
        assertEquals(1, searches);
        assertEquals(1, notices.size(), notices::toString);
        assertTrue(notices.getFirst().startsWith("notice: ignoring the cuDNN algorithm cache " + file
                + ": it is not valid"), notices.getFirst());
        assertTrue(Files.readString(file).contains("\"layout\" : 0"), "rewritten with its layout");
    }
}
