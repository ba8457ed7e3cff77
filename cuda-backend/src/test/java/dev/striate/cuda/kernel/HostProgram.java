package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.io.HalfPrecision;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import dev.striate.cuda.nvrtc.KernelText;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a C++ program that replays recorded kernel launches on the host: the CUDA C sources are included as NVRTC
 * compiles them ({@link KernelText}: after the preludes), each source and storage variant in its own namespace
 * with C++ linkage, with {@code cuda_host.h} standing in for the CUDA built-ins; every tensor is a vector (bf16 ones of
 * 16-bit patterns), and each scenario (one recorded run) is a function that sets its inputs, replays its launches in
 * order and prints the tensors asked for as lines {@code "<label> v1 v2 ..."}. In a scenario of channels-last
 * launches, rank-4 bf16 tensors are given and printed in NCHW order and held in NHWC order, as {@code HostTransfers}
 * does on the GPU.
 */
final class HostProgram {
    private static final Pattern DEFINE = Pattern.compile("^#define\\s+(\\w+)", Pattern.MULTILINE);

    private final Set<Variant> sources = new LinkedHashSet<>();
    private final StringBuilder scenarios = new StringBuilder();
    /** Printed tensors held channels-last, by label: their shapes, to put them back in NCHW order. */
    private final Map<String, Shape> channelsLast = new HashMap<>();
    private int scenarioCount;

    /**
     * Adds one scenario: the device's tensors (zero unless {@code initial} gives their values; NaN for scratch
     * tensors, {@link FakeDevice#allocateUninitialized}), the launches, and the tensors to print under their labels
     * afterwards.
     */
    void scenario(FakeDevice device, Map<Tensor, double[]> initial, List<RecordingCudaContext.Launch> launches,
                  Map<String, Tensor> printed) {
        scenario(device, initial, Map.of(), launches, printed);
    }

    /**
     * As above, with I64 tables of device addresses ({@code optimizer.cu}'s parameter table): each entry is a
     * tensor, standing for its address, or a Long. A table must be allocated after the tensors it names.
     */
    void scenario(FakeDevice device, Map<Tensor, double[]> initial, Map<Tensor, List<Object>> addressTables,
                  List<RecordingCudaContext.Launch> launches, Map<String, Tensor> printed) {
        Map<Tensor, String> names = new IdentityHashMap<>();
        StringBuilder body = new StringBuilder();
        ActivationLayout layout = launches.stream().map(RecordingCudaContext.Launch::layout)
                .filter(l -> l == ActivationLayout.NHWC).findAny().orElse(ActivationLayout.NCHW);
        for (Tensor tensor : device.allocated()) {
            String name = "t" + names.size();
            names.put(tensor, name);
            body.append("    std::vector<").append(cType(tensor.dtype())).append("> ").append(name);
            double[] values = initial.get(tensor);
            if (values != null && tensor.dtype() == DType.BF16) {
                values = layout.toMemoryOrder(tensor.shape(), values);
            }
            List<Object> table = addressTables.get(tensor);
            if (table != null) {
                body.append(" = {");
                for (int i = 0; i < table.size(); i++) {
                    Object entry = table.get(i);
                    body.append(i == 0 ? "" : ", ").append(entry instanceof Tensor t
                            ? "(long long) " + names.get(t) + ".data()" : entry + "LL");
                }
                body.append("};\n");
            } else if (values == null && device.uninitialized(tensor)) {
                // Scratch memory may hold anything: NaN makes a kernel that reads it before writing it fail.
                body.append("(").append(tensor.size()).append(", ").append(literal(tensor.dtype(), Double.NaN))
                        .append(");\n");
            } else if (values == null) {
                body.append("(").append(tensor.size()).append(");\n");
            } else {
                body.append(" = {");
                for (int i = 0; i < values.length; i++) {
                    body.append(i == 0 ? "" : ", ").append(literal(tensor.dtype(), values[i]));
                }
                body.append("};\n");
            }
        }
        for (RecordingCudaContext.Launch launch : launches) {
            Variant variant = new Variant(launch.source(), launch.storage(), launch.layout());
            sources.add(variant);
            body.append("    emulate_launch(").append(launch.blocks()).append(", ").append(launch.threadsPerBlock())
                    .append(", [&] { ").append(variant.namespace()).append("::").append(launch.kernel()).append("(");
            List<Object> arguments = launch.arguments();
            for (int i = 0; i < arguments.size(); i++) {
                body.append(i == 0 ? "" : ", ").append(argument(arguments.get(i), names));
            }
            body.append("); });\n");
        }
        printed.forEach((label, tensor) -> {
            if (tensor.dtype() == DType.BF16 && layout.reorders(tensor.shape())) {
                channelsLast.put(label, tensor.shape());
            }
        });
        printed.forEach((label, tensor) -> body.append(tensor.dtype() == DType.BF16 ? "    print_bf16_tensor(\""
                : "    print_tensor(\"").append(label).append("\", ").append(names.get(tensor)).append(");\n"));
        scenarios.append("static void scenario").append(scenarioCount++).append("() {\n").append(body).append("}\n\n");
    }

    String source() {
        StringBuilder program = new StringBuilder("#include \"cuda_host.h\"\n\n");
        for (Variant variant : sources) {
            // The text NVRTC compiles, with C++ linkage so that both variants of a source can be in one program.
            String text = KernelText.of(variant.source(), variant.storage(), variant.layout())
                    .replace("extern \"C\" ", "");
            program.append("namespace ").append(variant.namespace()).append(" {\n").append(text)
                    .append("\n}\n#undef STRIATE_BF16\n#undef STRIATE_NHWC\n");
            // What follows is the program's own text again, for g++'s messages.
            long nextLine = program.chars().filter(c -> c == '\n').count() + 2;
            program.append("#line ").append(nextLine).append(" \"emulation.cpp\"\n");
            Matcher defines = DEFINE.matcher(CudaSignatures.text(variant.source()));
            while (defines.find()) {
                program.append("#undef ").append(defines.group(1)).append('\n');
            }
        }
        program.append('\n').append(scenarios).append("int main() {\n");
        for (int i = 0; i < scenarioCount; i++) {
            program.append("    scenario").append(i).append("();\n");
        }
        return program.append("    return 0;\n}\n").toString();
    }

    /** Builds the program with g++ in {@code work}, runs it, and returns what it printed, by label. */
    Map<String, double[]> buildAndRun(Path work) throws IOException, InterruptedException {
        Path program = work.resolve("emulation.cpp");
        Files.writeString(program, source());
        Path header = resourceFolder("/dev/striate/cuda/emulation").resolve("cuda_host.h");
        Path binary = work.resolve("emulation");
        String build = run(work, "g++", "-std=c++20", "-O1", "-pthread", "-I", header.getParent().toString(),
                program.toString(), "-o", binary.toString());
        String output = run(work, binary.toString());
        assertFalse(output.isBlank(), "the emulation printed nothing; build log:\n" + build);
        Map<String, double[]> results = new HashMap<>();
        for (String line : output.split("\n")) {
            String[] fields = line.strip().split(" ");
            String label = fields[0] + " " + fields[1];
            double[] values = new double[fields.length - 2];
            for (int i = 2; i < fields.length; i++) {
                values[i - 2] = printedDouble(fields[i]);
            }
            Shape shape = channelsLast.get(label);
            results.put(label, shape == null ? values : ActivationLayout.NHWC.toLogicalOrder(shape, values));
        }
        return results;
    }

    /** A number as C's printf writes it: NaN as nan or -nan, infinities as inf or -inf. */
    private static double printedDouble(String field) {
        return switch (field) {
            case "nan", "-nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(field);
        };
    }

    private static String run(Path work, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), command[0] + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
        return output;
    }

    static boolean gppAvailable() {
        try {
            Process process = new ProcessBuilder("g++", "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path resourceFolder(String resource) {
        try {
            return Path.of(HostProgram.class.getResource(resource).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A source compiled for one activation storage type and layout, in its own C++ namespace. */
    private record Variant(String source, DType storage, ActivationLayout layout) {
        String namespace() {
            return "k_" + source + (storage == DType.BF16 ? "_bf16" : "")
                    + (layout == ActivationLayout.NHWC ? "_nhwc" : "");
        }
    }

    private static String cType(DType dtype) {
        return switch (dtype) {
            case F32 -> "float";
            case BF16 -> "unsigned short";
            case F64 -> "double";
            case I32 -> "int";
            case I64 -> "long long";
            default -> throw new IllegalArgumentException("no host type for " + dtype);
        };
    }

    private static String literal(DType dtype, double value) {
        return switch (dtype) {
            case F32 -> floatLiteral((float) value);
            case BF16 -> String.format("(unsigned short) 0x%04x", HalfPrecision.toBf16Bits(value) & 0xFFFF);
            case F64 -> doubleLiteral(value);
            case I32 -> Integer.toString((int) value);
            case I64 -> Long.toString((long) value) + "LL";
            default -> throw new IllegalArgumentException("no host type for " + dtype);
        };
    }

    private static String argument(Object argument, Map<Tensor, String> names) {
        return switch (argument) {
            case Tensor tensor -> names.get(tensor) + ".data()";
            case Integer value -> Integer.toString(value);
            case Long value when value == 0 -> "0LL";
            case Long value -> "(long long) " + Long.toUnsignedString(value) + "ULL";
            case Float value -> floatLiteral(value);
            case Double value -> doubleLiteral(value);
            default -> throw new IllegalArgumentException("no host form for " + argument);
        };
    }

    /** Exact: the float's bits. */
    private static String floatLiteral(float value) {
        return String.format("std::bit_cast<float>(0x%08xu)", Float.floatToRawIntBits(value));
    }

    private static String doubleLiteral(double value) {
        return String.format("std::bit_cast<double>(0x%016xull)", Double.doubleToRawLongBits(value));
    }
}
