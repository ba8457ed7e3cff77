package dev.striate.cuda.nvrtc;

import dev.striate.core.tensor.DType;
import dev.striate.cuda.ActivationLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What NVRTC compiles for one of the project's CUDA C sources ({@code /dev/striate/cuda/kernels/<source>.cu}) in one
 * variant, an activation storage type and layout: the preludes {@code storage.cuh} (after {@code #define STRIATE_BF16}
 * for bf16: the activation type), {@code layout.cuh} (after {@code #define STRIATE_NHWC} for channels-last bf16: where
 * element (n, c, s) of an activation lies), {@code block.cuh} (block size, grid-stride loop, block-wide sum and
 * maximum) and {@code per_channel.cuh} (an element's channel, the chunks of two-stage per-channel sums), then the
 * source, whose compile errors keep their own file name and line numbers ({@code #line}). NVRTC has no include path,
 * so the preludes are text put in front. The nvcc check and the host emulation compile the same text.
 */
public final class KernelText {
    private KernelText() {
    }

    /** The text to compile for {@code source} with activations stored as {@code storage} (F32 or BF16), NCHW. */
    public static String of(String source, DType storage) {
        return of(source, storage, ActivationLayout.NCHW);
    }

    /** The text to compile for {@code source} with activations stored as {@code storage}, rank-4 ones in {@code layout}. */
    public static String of(String source, DType storage, ActivationLayout layout) {
        variantName(source, storage, layout); // refuses a combination there is no variant for
        return (storage == DType.BF16 ? "#define STRIATE_BF16\n" : "")
                + (layout == ActivationLayout.NHWC ? "#define STRIATE_NHWC\n" : "")
                + read("storage.cuh") + read("layout.cuh") + read("block.cuh")
                + read("per_channel.cuh")
                + "#line 1 \"" + source + ".cu\"\n" + read(source + ".cu");
    }

    /** {@link #variantName(String, DType, ActivationLayout)} of an NCHW variant. */
    public static String variantName(String source, DType storage) {
        return variantName(source, storage, ActivationLayout.NCHW);
    }

    /**
     * The variant's name, for caches and messages: the source's, with {@code -bf16} for the bf16 variant and
     * {@code -bf16-nhwc} for its channels-last one. Channels-last float activations have no variant.
     */
    public static String variantName(String source, DType storage, ActivationLayout layout) {
        String name = switch (storage) {
            case F32 -> source;
            case BF16 -> source + "-bf16";
            default -> throw new IllegalArgumentException("no " + storage + " variant of the CUDA kernels: activations"
                    + " are stored as F32 or BF16");
        };
        if (layout == ActivationLayout.NHWC && storage != DType.BF16) {
            throw new IllegalArgumentException("no channels-last variant of the CUDA kernels for " + storage
                    + " activations: only bf16 ones are stored NHWC");
        }
        return layout == ActivationLayout.NHWC ? name + "-nhwc" : name;
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
