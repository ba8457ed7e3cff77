package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.tensor.DType;
import dev.striate.cuda.ActivationLayout;
import dev.striate.cuda.nvrtc.KernelText;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every CUDA C source compiles to PTX with nvcc for Ampere and Hopper, with warnings as errors, in every variant
 * (float; bf16 NCHW; bf16 channels-last), as the very text NVRTC will compile on the GPU host ({@link KernelText}: the preludes,
 * then the source); no source includes a header (NVRTC has none). Skipped, saying why, where there is no nvcc.
 */
class KernelSourcesCompileTest {
    private static final Path NVCC = Path.of("/usr/local/bin/nvcc");
    /** Every variant the backend compiles: float, bf16, and channels-last bf16. */
    private static final List<List<Object>> VARIANTS = List.of(List.of(DType.F32, ActivationLayout.NCHW),
            List.of(DType.BF16, ActivationLayout.NCHW), List.of(DType.BF16, ActivationLayout.NHWC));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sm_80", "sm_90"})
    void everySourceCompilesWithNvcc(String architecture, @TempDir Path output) throws Exception {
        List<Path> sources = sources();
        assertFalse(sources.isEmpty(), "no .cu sources found");
        for (Path source : sources) {
            assertFalse(Files.readString(source).contains("#include"), source + " includes a header; NVRTC has none");
        }
        assumeTrue(Files.isExecutable(NVCC), "skipped: no nvcc at " + NVCC + " to compile the CUDA sources with");
        List<String> command = new ArrayList<>(List.of(NVCC.toString(), "-ptx", "-arch=" + architecture,
                "--Werror", "all-warnings", "-odir", output.toString()));
        List<String> variants = new ArrayList<>();
        for (Path source : sources) {
            String name = source.getFileName().toString().replace(".cu", "");
            for (List<Object> storageAndLayout : VARIANTS) {
                DType storage = (DType) storageAndLayout.get(0);
                ActivationLayout layout = (ActivationLayout) storageAndLayout.get(1);
                String variant = KernelText.variantName(name, storage, layout);
                Path text = Files.writeString(output.resolve(variant + ".cu"), KernelText.of(name, storage, layout));
                command.add(text.toString());
                variants.add(variant);
            }
        }
        Process nvcc = new ProcessBuilder(command).directory(output.toFile()).redirectErrorStream(true).start();
        String log = new String(nvcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(nvcc.waitFor(5, TimeUnit.MINUTES), "nvcc did not finish");
        assertEquals(0, nvcc.exitValue(), "nvcc failed:\n" + log);
        for (String variant : variants) {
            String ptx = Files.readString(output.resolve(variant + ".ptx"));
            assertTrue(ptx.contains(".entry"), variant + ".ptx has no kernel");
        }
    }

    private static List<Path> sources() throws IOException, URISyntaxException {
        Path folder = Path.of(KernelSourcesCompileTest.class.getResource("/dev/striate/cuda/kernels").toURI());
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".cu")).sorted().toList();
        }
    }
}
