package dev.striate.cuda.standin;

import dev.striate.core.tensor.DType;
import dev.striate.cuda.nvrtc.KernelText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code extern "C" __global__} kernels of the project's CUDA C sources, read from the sources themselves. */
final class KernelSignatures {
    private static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(\\w+)\\s*\\(([^)]*)\\)");

    private KernelSignatures() {
    }

    /** Each kernel's parameter types in {@code <source>.cu}, in order, as C writes them without the names. */
    static Map<String, List<String>> parameters(String source) {
        Map<String, List<String>> kernels = new LinkedHashMap<>();
        Matcher m = KERNEL.matcher(text(source));
        while (m.find()) {
            List<String> types = new ArrayList<>();
            for (String declaration : m.group(2).split(",")) {
                String trimmed = declaration.strip();
                types.add(trimmed.substring(0, trimmed.lastIndexOf(' ')).replace(" *", "*").strip());
            }
            kernels.put(m.group(1), types);
        }
        return kernels;
    }

    /**
     * The kernels of {@code <source>.cu} that reduce in a {@code __shared__} array of {@code THREADS} elements,
     * with that number: they must be launched with exactly that many threads per block.
     */
    static Map<String, Integer> sharedArrayKernels(String source) {
        String text = text(source);
        Matcher threads = Pattern.compile("#define THREADS (\\d+)").matcher(text);
        Map<String, Integer> kernels = new LinkedHashMap<>();
        if (!threads.find()) {
            return kernels;
        }
        Matcher m = KERNEL.matcher(text);
        List<int[]> signatures = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
            signatures.add(new int[] {m.start(), m.end()});
        }
        for (int i = 0; i < names.size(); i++) {
            int end = i + 1 < names.size() ? signatures.get(i + 1)[0] : text.length();
            if (text.substring(signatures.get(i)[1], end).matches("(?s).*__shared__[^;]*\\[THREADS\\].*")) {
                kernels.put(names.get(i), Integer.parseInt(threads.group(1)));
            }
        }
        return kernels;
    }

    /** The text NVRTC compiles for the source (its preludes define THREADS). */
    private static String text(String source) {
        return KernelText.of(source, DType.F32);
    }

    /** The kinds of a kernel's parameters in order, as {@link #kind} names them ("PPL" for copy_act). */
    static String kinds(String source, String kernel) {
        return parameters(source).get(kernel).stream().map(KernelSignatures::kind).reduce("", String::concat);
    }

    /**
     * Whether a launch's logged argument kinds are the {@code declared} ones: the same, but that a pointer parameter may
     * be given a null pointer ('0'), which the kernels take for "none" (γ without affine parameters, a fused batch
     * norm without a residual, a gradient not wanted); an address outside live device memory ('X') never matches.
     */
    static boolean matches(String declared, String logged) {
        if (declared.length() != logged.length()) {
            return false;
        }
        for (int i = 0; i < declared.length(); i++) {
            char kind = logged.charAt(i);
            if (kind != declared.charAt(i) && !(declared.charAt(i) == 'P' && kind == '0')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The kind of argument DeviceContext must hand JCuda for a C parameter type: P a device address (a long), L a
     * long, I an int, F a float, D a double.
     */
    private static String kind(String type) {
        return switch (type.replace("const ", "")) {
            case "int" -> "I";
            case "long long" -> "L";
            case "float" -> "F";
            case "double" -> "D";
            default -> {
                if (!type.endsWith("*")) {
                    throw new AssertionError("an unexpected kernel parameter type " + type);
                }
                yield "P";
            }
        };
    }
}
