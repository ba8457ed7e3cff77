package dev.striate.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.tensor.DType;
import dev.striate.core.FileProblems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes a safetensors file: the compact JSON header (metadata first, then each tensor's dtype, shape and
 * data_offsets in the order given) padded with spaces to a multiple of 8 bytes so the data is aligned, then every
 * tensor's little-endian bytes, streamed through a small buffer so a large model is never held twice in memory.
 */
final class SafeTensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensorsWriter() {
    }

    static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        Path target = file.toAbsolutePath();
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid()
                + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
                writeFully(channel, length.flip());
                writeFully(channel, ByteBuffer.wrap(header));
                writeData(channel, tensors);
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(target.getParent());
        } catch (IOException e) {
            removeLeftover(temporary, e);
            throw new SafeTensorsException(file, "cannot be written: " + reason(e, target), e);
        } catch (RuntimeException e) {
            removeLeftover(temporary, e);
            throw e;
        }
    }

    private static String reason(IOException e, Path target) {
        return switch (e) {
            case NoSuchFileException missing -> "folder " + target.getParent() + " does not exist";
            case AccessDeniedException denied -> "permission denied";
            default -> FileProblems.isDiskFull(e) ? FileProblems.reason(e) : e.getMessage();
        };
    }

    /** The header JSON, padded with spaces so that 8 + its length is a multiple of 8. */
    static byte[] header(Map<String, HostTensor> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafeTensorsHeader.METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            if (e.getKey().equals(SafeTensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("'" + SafeTensorsHeader.METADATA_KEY
                        + "' is reserved and cannot name a tensor");
            }
            HostTensor t = e.getValue();
            long bytes = t.shape().size() * t.dtype().bytes();
            ObjectNode entry = root.putObject(e.getKey());
            entry.put("dtype", t.dtype().safetensorsName());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(t.shape().dims()).forEach(shape::add);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void writeData(FileChannel channel, Map<String, HostTensor> tensors) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            HostTensor t = e.getValue();
            double[] values = t.values();
            for (int i = 0; i < values.length; i++) {
                if (chunk.remaining() < Long.BYTES) {
                    writeFully(channel, chunk.flip());
                    chunk.clear();
                }
                put(chunk, t.dtype(), values[i], e.getKey(), i);
            }
        }
        writeFully(channel, chunk.flip());
    }

    private static void put(ByteBuffer chunk, DType dtype, double value, String name, int index) {
        switch (dtype) {
            case F32 -> chunk.putFloat((float) value);
            case F64 -> chunk.putDouble(value);
            case F16 -> chunk.putShort(HalfPrecision.toF16Bits(value));
            case BF16 -> chunk.putShort(HalfPrecision.toBf16Bits(value));
            case I32 -> chunk.putInt(Math.toIntExact(wholeNumber(value, name, index, dtype)));
            case I64 -> chunk.putLong(wholeNumber(value, name, index, dtype));
        }
    }

    private static long wholeNumber(double value, String name, int index, DType dtype) {
        if (value != Math.rint(value) || Math.abs(value) >= 0x1p63
                || (dtype == DType.I32 && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE))) {
            throw new IllegalArgumentException("tensor '" + name + "' element " + index + " is " + value
                    + ", not a whole number that " + dtype + " holds");
        }
        return (long) value;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Makes the rename itself durable. Windows cannot open a folder as a channel (NTFS journals the rename), so
     * there the file's own flush is what is done.
     */
    private static void syncDirectory(Path directory) throws IOException {
        if (System.getProperty("os.name").startsWith("Windows")) {
            return;
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** After a failure, the half-written temporary file goes; failing to remove it is kept with the cause. */
    private static void removeLeftover(Path temporary, Exception cause) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
