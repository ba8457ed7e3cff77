package dev.striate.cuda.nvrtc;

import dev.striate.core.tensor.DType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What NVRTC compiles for one of the project's CUDA C sources ({@code /dev/striate/cuda/kernels/<source>.cu}) and one
 * activation storage type: the preludes {@code storage.cuh} (after {@code #define STRIATE_BF16} for bf16: the
 * activation type) and {@code block.cuh} (block size, grid-stride loop, block-wide sum and maximum), then the source,
 * whose compile errors keep their own file name and line numbers ({@code #line}). NVRTC has no include path, so the
 * preludes are text put in front. The nvcc check and the host emulation compile the same text.
 */
public final class KernelText {
    private KernelText() {
    }

    /** The text to compile for {@code source} with activations stored as {@code storage} (F32 or BF16). */
    public static String of(String source, DType storage) {
        variantName(source, storage); // refuses a type there is no variant for
        return (storage == DType.BF16 ? "#define STRIATE_BF16\n" : "") + read("storage.cuh") + read("block.cuh")
                + "#line 1 \"" + source + ".cu\"\n" + read(source + ".cu");
    }

    /** The variant's name, for caches and messages: the source's, with {@code -bf16} for the bf16 variant. */
    public static String variantName(String source, DType storage) {
        return switch (storage) {
            case F32 -> source;
            case BF16 -> source + "-bf16";
            default -> throw new IllegalArgumentException("no " + storage + " variant of the CUDA kernels: activations"
                    + " are stored as F32 or BF16");
        };
    }

    private static String read(String file) {
        String resource = "/dev/striate/cuda/kernels/" + file;
        try (InputStream in = KernelText.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no CUDA source " + resource + " in this build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
