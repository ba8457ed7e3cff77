package dev.striate.cuda.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parameter types of every {@code extern "C" __global__} function of the project's CUDA C sources. */
final class CudaSignatures {
    private static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(\\w+)\\s*\\(([^)]*)\\)");

    /** A parameter's C type without its name: {@code const float*}, {@code long long}, {@code int}. */
    record Parameter(String type) {
        boolean isPointer() {
            return type.endsWith("*");
        }

        /** The pointed-to or plain type without {@code const} and {@code *}: float, int, long long, double. */
        String baseType() {
            return type.replace("const", "").replace("*", "").strip();
        }
    }

    private final Map<String, Map<String, List<Parameter>>> sources = new HashMap<>();

    /** The parameters of {@code kernel} in {@code /dev/striate/cuda/kernels/<source>.cu}, or null if it has none. */
    List<Parameter> parameters(String source, String kernel) {
        return sources.computeIfAbsent(source, CudaSignatures::parse).get(kernel);
    }

    static String text(String source) {
        String resource = "/dev/striate/cuda/kernels/" + source + ".cu";
        try (InputStream in = CudaSignatures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("no CUDA source " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, List<Parameter>> parse(String source) {
        Map<String, List<Parameter>> kernels = new HashMap<>();
        Matcher m = KERNEL.matcher(text(source));
        while (m.find()) {
            List<Parameter> parameters = new ArrayList<>();
            for (String declaration : m.group(2).split(",")) {
                String trimmed = declaration.strip();
                String type = trimmed.substring(0, trimmed.lastIndexOf(' ')).strip().replace(" *", "*");
                parameters.add(new Parameter(type));
            }
            kernels.put(m.group(1), parameters);
        }
        return kernels;
    }
}
