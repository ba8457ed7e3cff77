package dev.striate.cuda.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.backend.Precision;
import dev.striate.cuda.ActivationLayout;
import dev.striate.cuda.NodeFusion;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole training step through the real CUDA backend, opened by its provider, against stand-in libraries
 * ({@link StepDriver}, {@link StepLibraries}) that compute nothing but log every module load, launch (with the type of
 * each argument JCuda hands the driver), allocation, copy, host wait and library call, and refuse what the real ones
 * would refuse where that can be told without a GPU.
 */
class TrainingStepStandInTest {

    @TempDir
    static Path folder;
    private static Path lib;
    private static Path signatures;

    /** The names of the project's .cu sources, every one of whose kernels the driver knows. */
    private static List<String> sources() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(URI.create(TrainingStepStandInTest.class
                .getResource("/dev/striate/cuda/kernels").toString())))) {
            return files.map(f -> f.getFileName().toString()).filter(name -> name.endsWith(".cu"))
                    .map(name -> name.substring(0, name.length() - ".cu".length())).sorted().toList();
        }
    }

    @BeforeAll
    static void build() throws IOException, InterruptedException {
        assumeTrue(StandIns.gccPresent(), "gcc is not on PATH: the stand-in libraries cannot be built");
        lib = folder.resolve("lib");
        StandIns.build(lib, "libcuda.so.1", StepDriver.driver(), null);
        StandIns.build(lib, "libnvrtc.so.13", StepDriver.nvrtc(), null);
        StandIns.build(lib, "libcudnn.so.9", StepLibraries.CUDNN, null, "libcuda.so.1");
        StandIns.build(lib, "libcublas.so.13", StepLibraries.CUBLAS, "libcublas.so.13", "libcuda.so.1");
        StringBuilder table = new StringBuilder();
        for (String source : sources()) {
            KernelSignatures.parameters(source).keySet().forEach(kernel -> table.append(source).append(".cu/")
                    .append(kernel).append(' ').append(KernelSignatures.kinds(source, kernel)).append('\n'));
        }
        signatures = Files.writeString(folder.resolve("signatures.txt"), table);
    }

    /** The stand-ins' log of a probe run in {@code precision} with the cache folder named, which may hold a run's. */
    private static List<String> run(String precision, String cache) throws IOException, InterruptedException {
        return run(precision, "", cache);
    }

    /** As {@link #run(String, String, String)}, with {@link NodeFusion#SETTING} set to {@code fusion}. */
    private static List<String> run(String precision, String layout, String fusion, String cache) throws IOException,
            InterruptedException {
        return run(precision, layout, fusion, cache, fusion.equals("off") ? ", fusion off" : "");
    }

    /**
     * As {@link #run(String, String)}, with {@link ActivationLayout#SETTING} set to {@code layout} (blank: the
     * default); the stand-in cuDNN is told the layout bf16 activations then lie in, and refuses descriptors in another.
     */
    private static List<String> run(String precision, String layout, String cache) throws IOException,
            InterruptedException {
        return run(precision, layout, "", cache, "");
    }

    /** The run, whose backend describes itself ending with {@code described} (the fusion setting's note). */
    private static List<String> run(String precision, String layout, String fusion, String cache, String described)
            throws IOException, InterruptedException {
        Path log = folder.resolve(cache + "-" + System.nanoTime() + ".log");
        ActivationLayout bf16Layout = ActivationLayout.forWork(Precision.BF16, layout);
        // The driver tells a Java array's type by its class word 8 bytes before the data: the classic header.
        String output = StandIns.java(Map.of("LD_LIBRARY_PATH", lib.toString(), "XDG_CACHE_HOME",
                folder.resolve(cache).toString(), "STANDIN_LOG", log.toString(), "STANDIN_SIGNATURES",
                signatures.toString(), ActivationLayout.SETTING, layout, NodeFusion.SETTING, fusion,
                "STANDIN_BF16_LAYOUT", bf16Layout.name().toLowerCase(Locale.ROOT)), List.of("-Djava.io.tmpdir="
                + Files.createDirectories(folder.resolve("tmp")), "-XX:+IgnoreUnrecognizedVMOptions",
                "-XX:-UseCompactObjectHeaders"), TrainingStepProbe.class, precision);
        boolean channelsLast = ActivationLayout.forWork(Precision.valueOf(precision), layout) == ActivationLayout.NHWC;
        assertEquals("cuda:0 Host stand-in (sm_90, 0.1 GiB), " + precision.toLowerCase(Locale.ROOT)
                + (channelsLast ? ", channels-last" : "") + described + "\n", output);
        return Files.readAllLines(log);
    }

    /** The kernel variants in a cache folder's NVRTC cache, as KernelCache names them ("conv-bf16"). */
    private static List<String> cachedKernels(String cache) throws IOException {
        try (var files = Files.list(folder.resolve(cache).resolve("striate").resolve("kernels"))) {
            return files.map(f -> f.getFileName().toString().replaceAll("-[0-9a-f]{16}-.*", "")).sorted().toList();
        }
    }

    /** The modules the driver loaded, named as their cache entries ("conv.cu bf16" is "conv-bf16"). */
    private static List<String> loadedKernels(List<String> lines) {
        return lines.stream().filter(line -> line.startsWith("driver load ") && line.contains(".cu"))
                .map(line -> line.substring(12).replace(".cu", "").replace(" bf16", "-bf16")).sorted().toList();
    }

    /** Unfused (fusion off), so that cuDNN's batch norm and activation are among the calls checked. */
    @Test
    void fp32WorkRunsTheF32VariantsSgemmAndFloatCudnn() throws IOException, InterruptedException {
        List<String> lines = run("FP32", "", "off", "fp32");
        checkCommon(lines);
        assertEquals(loadedKernels(lines), cachedKernels("fp32"));
        assertTrue(lines.stream().noneMatch(line -> line.contains(" bf16")), "a bf16 module in fp32 work");
        for (String call : section(lines, "# step 1", "# close the trainer")) {
            if (call.startsWith("cudnn cudnn") || call.startsWith("cudnn Find")) {
                assertTrue(call.matches("cudnn \\w+( 0)*( algo.*| formats 0 0 0)?"),
                        "a cuDNN call not on float NCHW data: " + call);
            }
            assertTrue(!call.startsWith("cublas GemmEx"), call);
        }
        List<String> step = section(lines, "# step 1", "# step 1 done");
        // cuDNN's legacy batch norm, activation and bias in fp32; the linear layer's three GEMMs on SGEMM.
        for (String call : List.of("cudnn cudnnBatchNormalizationForwardTraining 0 0 0",
                "cudnn cudnnBatchNormalizationBackward 0 0 0 0", "cudnn cudnnActivationForward",
                "cudnn cudnnAddTensor 0 0", "cudnn cudnnConvolutionBackwardBias 0 0")) {
            assertTrue(step.contains(call), call + " missing from\n" + String.join("\n", step));
        }
        assertEquals(3, step.stream().filter(line -> line.startsWith("cublas Sgemm")).count());
        // True fp32: cuBLAS without TF32 (CUBLAS_DEFAULT_MATH 0), every convolution on FMA (3), never tensor cores.
        assertTrue(lines.contains("cublas math mode 0"));
        assertEquals(List.of("cudnn math type 3"), lines.stream().filter(line -> line.startsWith("cudnn math type"))
                .distinct().toList());
        assertTrue(section(lines, "# evaluate", "# close the trainer")
                .contains("cudnn cudnnBatchNormalizationForwardInference 0 0 0"));
    }

    /**
     * Fused (the default), the fp32 batch norm and its ReLU run on batchnorm.cu's fused kernels in the F32 variant,
     * not on cuDNN's batch norm: once each per step, and the running-statistics pass in evaluation.
     */
    @Test
    void fp32FusedBatchNormRunsOnTheFusedKernels() throws IOException, InterruptedException {
        List<String> lines = run("FP32", "fp32-fused");
        checkCommon(lines);
        List<String> step = section(lines, "# step 1", "# step 1 done");
        assertTrue(step.stream().noneMatch(line -> line.startsWith("cudnn cudnnBatchNormalization")),
                String.join("\n", step));
        for (String kernel : List.of("batch_norm_normalize_relu", "batch_norm_gradient_partials_relu",
                "batch_norm_training_input_gradient_relu")) {
            assertEquals(1, count(step, "launch batchnorm.cu " + kernel + " "), kernel);
        }
        assertEquals(1, count(section(lines, "# evaluate", "# close the trainer"),
                "launch batchnorm.cu batch_norm_inference_forward_relu "));
    }

    @Test
    void tf32WorkAllowsTensorCoresOnFloatData() throws IOException, InterruptedException {
        List<String> lines = run("TF32", "tf32");
        checkCommon(lines);
        assertTrue(lines.stream().noneMatch(line -> line.contains(" bf16")), "a bf16 module in tf32 work");
        // CUBLAS_TF32_TENSOR_OP_MATH (3); convolution descriptors ask for CUDNN_TENSOR_OP_MATH (1) before Find.
        assertTrue(lines.contains("cublas math mode 3"), String.join("\n", lines));
        assertTrue(lines.contains("cudnn math type 1"));
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("cublas GemmEx")));
    }

    /** bf16 work with NCHW activations, chosen explicitly: whichever layout is the default, this one stays checked. */
    @Test
    void bf16WorkRunsTheBf16VariantsGemmExAndBf16Convolutions() throws IOException, InterruptedException {
        List<String> lines = run("BF16", "nchw", "bf16");
        checkCommon(lines);
        assertEquals(loadedKernels(lines), cachedKernels("bf16"));
        assertTrue(count(lines, "nvrtc compile") > 0);
        List<String> work = section(lines, "# step 1", "# close the trainer");
        for (String call : work) {
            // x, w and y bf16 (9) and NCHW (0), the convolution descriptor's compute type float (0).
            if (call.startsWith("cudnn Find")) {
                assertTrue(call.matches("cudnn Find\\w+ 9 9 0 9 formats 0 0 0"), call);
            } else if (call.startsWith("cudnn cudnn")) {
                assertTrue(call.matches("cudnn cudnnConvolution(Forward|BackwardData|BackwardFilter) 9 9 9 .*"),
                        "cuDNN does convolutions alone in bf16 work: " + call);
            }
            assertTrue(!call.startsWith("cublas Sgemm"), call);
            // GemmEx: bf16 operands (14), CUBLAS_COMPUTE_32F (68); C bf16, or float for dW added into the master.
            assertTrue(!call.startsWith("cublas GemmEx") || call.matches("cublas GemmEx .* types 14 14 (14|0) "
                    + "compute 68 beta .*"), call);
        }
        List<String> step = section(lines, "# step 2", "# step 2 done");
        // The weight gradient: cuDNN into a bf16 temporary (beta 0), then added into the float master gradient.
        int filter = step.indexOf("cudnn cudnnConvolutionBackwardFilter 9 9 9 algo 1 workspace 4096 beta 0");
        assertTrue(filter >= 0 && step.get(filter + 1).startsWith(
                "launch elementwise.cu bf16 accumulate_storage_into_f32 "), String.join("\n", step));
        assertEquals(1, step.stream().filter(line -> line.matches("cublas GemmEx .* types 14 14 0 .* beta 1"))
                .count(), "dW of the linear layer added into its float gradient");
        // Each forward converts the fp32 images (2 x 3 x 16 x 16: 6 blocks) into their bf16 copy once.
        for (String forward : List.of("# step 1", "# step 2", "# evaluate")) {
            assertEquals(1, section(lines, forward, "# ").stream().filter(line -> line.equals(
                    "launch elementwise.cu bf16 cast_f32_to_storage 6 256 PPLII")).count(), forward);
        }
        // Cast once per step: each weight into its node's bf16 copy by forward, read again by backward, so a training
        // step casts the weights as often as an evaluation does. The two convolutions' weights (108 and 144
        // elements) take 1 block each, the linear layer's (10 x 256) 10 blocks.
        for (String section : List.of("# step 1", "# step 2", "# evaluate")) {
            assertEquals(List.of(1, 1, 10), section(lines, section, "# ").stream()
                    .filter(line -> line.startsWith("launch elementwise.cu bf16 cast_f32_to_storage ")
                            && !line.equals("launch elementwise.cu bf16 cast_f32_to_storage 6 256 PPLII"))
                    .map(line -> Integer.valueOf(line.split(" ")[4])).sorted().toList(), section + "'s weight casts");
        }
        // A kernel with an act_t parameter runs its bf16 variant: every activation is bf16 here.
        for (String launch : work.stream().filter(line -> line.startsWith("launch ")).toList()) {
            String[] parts = launch.split(" ");
            boolean bf16 = parts[2].equals("bf16");
            assertTrue(!parts[2].equals("bf16-nhwc"), "a channels-last variant in NCHW work: " + launch);
            String source = parts[1].replace(".cu", "");
            String kernel = parts[bf16 ? 3 : 2];
            boolean activations = KernelSignatures.parameters(source).get(kernel).stream()
                    .anyMatch(type -> type.contains("act_t"));
            assertEquals(activations, bf16, launch);
        }
    }

    /**
     * Channels-last bf16 work: every bf16 module is the NHWC variant, a kernel with activations runs it, and cuDNN
     * convolves bf16 tensors described NHWC (the stand-in refuses any bf16 descriptor in another format) with NHWC
     * filters; otherwise the same checks as every precision.
     */
    @Test
    void bf16ChannelsLastWorkRunsTheNhwcVariantsAndNhwcConvolutions() throws IOException, InterruptedException {
        List<String> lines = run("BF16", "nhwc", "bf16-nhwc");
        checkCommon(lines);
        assertEquals(loadedKernels(lines), cachedKernels("bf16-nhwc"));
        List<String> loads = lines.stream().filter(line -> line.startsWith("driver load ")).toList();
        assertTrue(loads.stream().anyMatch(line -> line.endsWith(" bf16-nhwc")), String.join("\n", loads));
        assertTrue(loads.stream().noneMatch(line -> line.endsWith(" bf16")), String.join("\n", loads));
        List<String> work = section(lines, "# step 1", "# close the trainer");
        for (String call : work) {
            // x, w and y bf16 (9) and NHWC (1), the convolution descriptor's compute type float (0).
            if (call.startsWith("cudnn Find")) {
                assertTrue(call.matches("cudnn Find\\w+ 9 9 0 9 formats 1 1 1"), call);
            } else if (call.startsWith("cudnn cudnn")) {
                assertTrue(call.matches("cudnn cudnnConvolution(Forward|BackwardData|BackwardFilter) 9 9 9 .*"),
                        "cuDNN does convolutions alone in bf16 work: " + call);
            }
        }
        assertEquals(6, count(work, "cudnn Find"), "two convolutions, three directions each");
        for (String launch : work.stream().filter(line -> line.startsWith("launch ")).toList()) {
            String[] parts = launch.split(" ");
            String source = parts[1].replace(".cu", "");
            String kernel = parts[parts[2].startsWith("bf16") ? 3 : 2];
            boolean activations = KernelSignatures.parameters(source).get(kernel).stream()
                    .anyMatch(type -> type.contains("act_t"));
            assertEquals(activations ? "bf16-nhwc" : kernel, parts[2], launch);
        }
        assertEquals(0, count(lines, "cudnn refuses"));
    }

    /**
     * cuDNN's algorithm choices on disk are kept per layout: channels-last work on a cache folder NCHW work filled
     * searches its own convolutions, and the run after it recalls them.
     */
    @Test
    void channelsLastWorkSearchesItsOwnAlgorithmsThenRecallsThem() throws IOException, InterruptedException {
        assertEquals(6, count(run("BF16", "nchw", "layouts"), "cudnn Find"));
        assertEquals(6, count(run("BF16", "nhwc", "layouts"), "cudnn Find"));
        List<String> again = run("BF16", "nhwc", "layouts");
        assertEquals(0, count(again, "cudnn Find"));
        checkCommon(again);
    }

    /**
     * A second run on the first one's cache folder compiles no kernel (NVRTC's images are on disk) and searches no
     * convolution algorithm (cuDNN's choices are too), and then does the same work.
     */
    @Test
    void aSecondRunRecallsItsKernelsAndAlgorithmsFromDisk() throws IOException, InterruptedException {
        List<String> first = run("BF16", "again");
        List<String> second = run("BF16", "again");
        checkCommon(second);
        assertEquals(6, count(first, "cudnn Find"));
        assertEquals(0, count(second, "cudnn Find"));
        assertEquals(0, count(second, "nvrtc compile"));
        assertEquals(loadedKernels(first), loadedKernels(second));
        assertEquals(section(first, "# step 2", "# step 2 done"), section(second, "# step 2", "# step 2 done"));
    }

    /**
     * What every precision must show: each section reached; every launch's arguments of the kinds its C signature
     * declares; step 2 the same work as step 1 with nothing loaded, found, created or allocated; three Finds per
     * convolution at compile time; evaluation without backward; every descriptor destroyed with the trainer; every
     * module unloaded and every driver allocation freed when the backend closes.
     */
    private static void checkCommon(List<String> lines) {
        List<String> notes = lines.stream().filter(line -> line.startsWith("# ")).map(line -> line.replaceAll(
                ", MemoryStatistics.*", "")).toList();
        assertEquals(List.of("# open", "# step 1", "# step 1 done", "# step 2", "# step 2 done", "# step 3, staged",
                "# step 3 done", "# evaluate",
                "# close the trainer", "# trainer closed", "# closed"), notes);
        int sharedArrayLaunches = 0;
        for (String launch : lines.stream().filter(line -> line.startsWith("launch ")).toList()) {
            String[] parts = launch.split(" ");
            String source = parts[1].replace(".cu", "");
            String kernel = parts[parts[2].startsWith("bf16") ? 3 : 2];
            String declared = KernelSignatures.kinds(source, kernel);
            assertTrue(KernelSignatures.matches(declared, parts[parts.length - 1]),
                    "argument kinds of " + launch + ", declared " + declared);
            Integer threads = KernelSignatures.sharedArrayKernels(source).get(kernel);
            if (threads != null) {
                assertEquals(threads, Integer.parseInt(parts[parts.length - 2]), "threads per block of " + launch);
                sharedArrayLaunches++;
            }
        }
        assertTrue(sharedArrayLaunches > 0, "no launch of a kernel with a shared array of THREADS was checked");
        List<String> first = section(lines, "# step 1", "# step 1 done");
        List<String> second = section(lines, "# step 2", "# step 2 done");
        // Step 1 compiles the executor first (parameter initialization fills), then does step 2's work.
        List<String> firstWork = first.stream().filter(TrainingStepStandInTest::isWork).toList();
        assertTrue(firstWork.size() >= second.size(), "step 2 did more than step 1");
        List<String> preparation = firstWork.subList(0, firstWork.size() - second.size());
        assertEquals(firstWork.subList(preparation.size(), firstWork.size()), second,
                "step 2 must repeat step 1's work and nothing else");
        assertTrue(preparation.stream().allMatch(line -> line.startsWith("launch elementwise.cu fill_")),
                preparation::toString);
        // A staged step (its copies on the copy stream, ordered by events) does the same work on the device.
        List<String> staged = section(lines, "# step 3, staged", "# step 3 done");
        assertEquals(second.stream().filter(line -> !line.startsWith("driver")).toList(), staged.stream()
                .filter(line -> !line.startsWith("driver")).toList());
        assertEquals(1, count(staged, "driver host waits for the stream"), String.join("\n", staged));
        // The one wait of a step: loss, gradient Σx² and predictions read together, then the update queued.
        assertEquals(1, count(second, "driver host waits"), String.join("\n", second));
        assertEquals(List.of("driver copy 4 bytes to the host", "driver copy 8 bytes to the host",
                "driver copy 8 bytes to the host", "driver host waits for the stream"), second.stream()
                .filter(line -> line.startsWith("driver copy") && line.endsWith("host") || line.startsWith(
                        "driver host")).toList());
        assertTrue(count(first, "cudnn Find") % 3 == 0, "Find for each convolution's three directions");
        assertTrue(section(lines, "# step 2", "# closed").stream().noneMatch(line -> line.startsWith("driver alloc")
                || line.startsWith("cudnn Find")), "allocated or searched after step 1");
        assertTrue(first.stream().anyMatch(line -> line.startsWith("launch optimizer.cu ")));
        List<String> evaluation = section(lines, "# evaluate", "# close the trainer");
        assertTrue(evaluation.stream().noneMatch(line -> line.contains("ackward") || line.contains("optimizer.cu")
                || line.contains("accumulate")), String.join("\n", evaluation));
        assertTrue(evaluation.stream().anyMatch(line -> line.startsWith("launch topk.cu")));
        List<String> untilTrainerClosed = section(lines, "# open", "# trainer closed");
        for (String kind : List.of("Tensor", "Filter", "Convolution", "Activation")) {
            assertEquals(count(untilTrainerClosed, "cudnn create " + kind),
                    count(untilTrainerClosed, "cudnn destroy " + kind), kind + " descriptors");
        }
        // The caching allocator's own count of driver allocations stays that of step 1 to the end.
        List<String> allocations = lines.stream().filter(line -> line.contains("MemoryStatistics"))
                .map(line -> line.replaceAll(".*driverAllocations=(\\d+)].*", "$1")).distinct().toList();
        assertEquals(1, allocations.size(), allocations::toString);
        assertEquals(count(lines, "driver load "), count(lines, "driver unload "));
        assertEquals(lines.stream().filter(line -> line.startsWith("driver alloc ")).map(l -> l.substring(13))
                .sorted().toList(), lines.stream().filter(line -> line.startsWith("driver free "))
                .map(l -> l.substring(12)).sorted().toList(), "every driver allocation freed at close");
        assertEquals(1, lines.stream().filter(line -> line.equals("cublas destroy")).count());
        assertEquals(1, lines.stream().filter(line -> line.equals("cudnn destroy")).count());
    }

    /**
     * A launch, library call, copy or host wait: work on the stream or waiting for it (not a load, Find, descriptor
     * or allocation).
     */
    private static boolean isWork(String line) {
        return line.startsWith("launch ") || line.startsWith("cudnn cudnn") || line.startsWith("cublas Sgemm")
                || line.startsWith("cublas GemmEx") || line.startsWith("driver copy ")
                || line.startsWith("driver host waits");
    }

    private static long count(List<String> lines, String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix)).count();
    }

    /** The lines after the note {@code from} up to the next line starting with {@code until}. */
    private static List<String> section(List<String> lines, String from, String until) {
        int start = lines.indexOf(from);
        assertTrue(start >= 0, from + " missing");
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith(until)) {
            end++;
        }
        return lines.subList(start + 1, end);
    }
}
