package dev.striate.core.io;

import dev.striate.core.tensor.DType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header that gives each
 * tensor's dtype, shape and byte offsets (and optional string metadata under {@code __metadata__}), then the raw
 * little-endian data. It holds nothing but numbers, so unlike pickle-based checkpoints reading it cannot run code.
 * Reading is strict (see {@link SafeTensorsHeader}); every fault is a {@link SafeTensorsException} naming the file.
 */
public final class SafeTensors {
    /** The reference reader's limit; a longer "header" means the file is something else, or damaged. */
    static final long MAX_HEADER_BYTES = 100_000_000;

    private static final String LFS_POINTER = "version https://git-lfs";
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Doubles hold every integer up to 2^53 exactly; a larger I64 would come back changed. */
    private static final long EXACT_INTEGER_LIMIT = 1L << 53;

    private SafeTensors() {
    }

    /** Every tensor of the file, in the header's order. */
    public static LinkedHashMap<String, HostTensor> read(Path file) {
        return readWithMetadata(file).tensors();
    }

    /** The metadata of the file's {@code __metadata__} entry (empty when it has none). */
    public static Map<String, String> readMetadata(Path file) {
        return readWithMetadata(file).metadata();
    }

    private record Contents(LinkedHashMap<String, HostTensor> tensors, Map<String, String> metadata) {
    }

    private static Contents readWithMetadata(Path file) {
        if (Files.isDirectory(file)) {
            throw new SafeTensorsException(file, "is a directory, not a safetensors file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            MemorySegment bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            SafeTensorsHeader header;
            try {
                header = parseHeader(file, bytes);
            } catch (SafeTensorsException notSafeTensors) {
                recogniseOtherFormats(file, bytes);
                throw notSafeTensors;
            }
            MemorySegment data = bytes.asSlice(8 + bytes.get(I64, 0));
            LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
            for (SafeTensorsHeader.Entry entry : header.entries()) {
                tensors.put(entry.name(), new HostTensor(entry.dtype(), entry.shape(),
                        decode(file, entry, data.asSlice(entry.begin(), entry.end() - entry.begin()))));
            }
            return new Contents(tensors, header.metadata());
        } catch (NoSuchFileException e) {
            throw new SafeTensorsException(file, "no such file");
        } catch (AccessDeniedException e) {
            throw new SafeTensorsException(file, "permission denied");
        } catch (IOException e) {
            throw new SafeTensorsException(file, "cannot be read: " + e.getMessage());
        }
    }

    private static SafeTensorsHeader parseHeader(Path file, MemorySegment bytes) {
        long size = bytes.byteSize();
        if (size == 0) {
            throw new SafeTensorsException(file, "the file is empty (0 bytes)");
        }
        if (size < 8) {
            throw new SafeTensorsException(file, "has only " + size + " bytes, fewer than the 8 of the header"
                    + " length (is the file truncated?)");
        }
        long headerLength = bytes.get(I64, 0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new SafeTensorsException(file, "the header length " + Long.toUnsignedString(headerLength)
                    + " is over the 100 MB limit, so this is not a safetensors file or it is damaged");
        }
        if (8 + headerLength > size) {
            throw new SafeTensorsException(file, "the header length " + headerLength + " runs past the end"
                    + " of the file, which has " + size + " bytes (is the file truncated?)");
        }
        byte[] headerBytes = bytes.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        return SafeTensorsHeader.parse(file, headerBytes, size - 8 - headerLength);
    }

    /**
     * Called only for a file that is not well-formed safetensors, since any format's magic bytes can also open a
     * valid header length (a pickle's 0x80 0x02 is the length 640): names the files people mistake for weights,
     * git-lfs pointers checked out without {@code git lfs pull} and PyTorch's zip and pickle checkpoints, which are
     * never read because unpickling runs code.
     */
    private static void recogniseOtherFormats(Path file, MemorySegment bytes) {
        byte[] head = bytes.asSlice(0, Math.min(bytes.byteSize(), 64)).toArray(ValueLayout.JAVA_BYTE);
        if (new String(head, StandardCharsets.ISO_8859_1).startsWith(LFS_POINTER)) {
            throw new SafeTensorsException(file, "is a git-lfs pointer file, not the weights themselves; fetch them"
                    + " with 'git lfs pull'");
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            throw new SafeTensorsException(file, "is a zip archive (PyTorch's .pt/.pth format?), not safetensors;"
                    + " Striate never reads pickled checkpoints, which can run code: convert it in Python with"
                    + " safetensors.torch.save_file(torch.load(...), 'weights.safetensors')");
        }
        if (head.length >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            throw new SafeTensorsException(file, "is a Python pickle, not safetensors; Striate never reads pickles,"
                    + " which can run code: convert it in Python with safetensors.torch.save_file");
        }
    }

    private static double[] decode(Path file, SafeTensorsHeader.Entry entry, MemorySegment bytes) {
        double[] values = new double[Math.toIntExact(entry.shape().size())];
        DType dtype = entry.dtype();
        for (int i = 0; i < values.length; i++) {
            long at = (long) i * dtype.bytes();
            values[i] = switch (dtype) {
                case F32 -> bytes.get(F32, at);
                case F64 -> bytes.get(F64, at);
                case F16 -> HalfPrecision.fromF16Bits(bytes.get(I16, at));
                case BF16 -> HalfPrecision.fromBf16Bits(bytes.get(I16, at));
                case I32 -> bytes.get(I32, at);
                case I64 -> exactInteger(file, entry, i, bytes.get(I64, at));
            };
        }
        return values;
    }

    private static double exactInteger(Path file, SafeTensorsHeader.Entry entry, int index, long value) {
        if (value > EXACT_INTEGER_LIMIT || value < -EXACT_INTEGER_LIMIT) {
            throw new SafeTensorsException(file, "tensor '" + entry.name() + "' element " + index + " is " + value
                    + ", beyond the 2^53 that Striate holds exactly");
        }
        return value;
    }

    /**
     * Writes the tensors, in the map's order, each as its {@link HostTensor#dtype()} (F16 and BF16 rounded to
     * nearest, ties to even), with the metadata (may be empty or null). The file is written beside the target,
     * flushed to disk and renamed over it, so a crash leaves either the old file or the new one, never half of one.
     */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
        SafeTensorsWriter.write(file, tensors, metadata == null ? Map.of() : metadata);
    }
}
