package dev.striate.cuda.kernel;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a C++ program that replays recorded kernel launches on the host: the CUDA C sources are included as they
 * are (each in its own namespace, with {@code cuda_host.h} standing in for the CUDA built-ins), every tensor is a
 * vector, and each scenario (one recorded run) is a function that sets its inputs, replays its launches in order and
 * prints the tensors asked for as lines {@code "<label> v1 v2 ..."}.
 */
final class HostProgram {
    private static final Pattern DEFINE = Pattern.compile("^#define\\s+(\\w+)", Pattern.MULTILINE);

    private final Path kernelFolder;
    private final Set<String> sources = new LinkedHashSet<>();
    private final StringBuilder scenarios = new StringBuilder();
    private int scenarioCount;

    HostProgram(Path kernelFolder) {
        this.kernelFolder = kernelFolder;
    }

    /**
     * Adds one scenario: the device's tensors (zero unless {@code initial} gives their values), the launches, and the
     * tensors to print under their labels afterwards.
     */
    void scenario(FakeDevice device, Map<Tensor, double[]> initial, List<RecordingCudaContext.Launch> launches,
                  Map<String, Tensor> printed) {
        Map<Tensor, String> names = new IdentityHashMap<>();
        StringBuilder body = new StringBuilder();
        for (Tensor tensor : device.allocated()) {
            String name = "t" + names.size();
            names.put(tensor, name);
            body.append("    std::vector<").append(cType(tensor.dtype())).append("> ").append(name);
            double[] values = initial.get(tensor);
            if (values == null) {
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
            sources.add(launch.source());
            body.append("    emulate_launch(").append(launch.blocks()).append(", ").append(launch.threadsPerBlock())
                    .append(", [&] { k_").append(launch.source()).append("::").append(launch.kernel()).append("(");
            List<Object> arguments = launch.arguments();
            for (int i = 0; i < arguments.size(); i++) {
                body.append(i == 0 ? "" : ", ").append(argument(arguments.get(i), names));
            }
            body.append("); });\n");
        }
        printed.forEach((label, tensor) -> body.append("    print_tensor(\"").append(label).append("\", ")
                .append(names.get(tensor)).append(");\n"));
        scenarios.append("static void scenario").append(scenarioCount++).append("() {\n").append(body).append("}\n\n");
    }

    String source() {
        StringBuilder program = new StringBuilder("#include \"cuda_host.h\"\n\n");
        for (String source : sources) {
            Path file = kernelFolder.resolve(source + ".cu");
            program.append("namespace k_").append(source).append(" {\n#include \"").append(file).append("\"\n}\n");
            Matcher defines = DEFINE.matcher(CudaSignatures.text(source));
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

    private static String cType(DType dtype) {
        return switch (dtype) {
            case F32 -> "float";
            case F64 -> "double";
            case I32 -> "int";
            case I64 -> "long long";
            default -> throw new IllegalArgumentException("no host type for " + dtype);
        };
    }

    private static String literal(DType dtype, double value) {
        return switch (dtype) {
            case F32 -> floatLiteral((float) value);
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
