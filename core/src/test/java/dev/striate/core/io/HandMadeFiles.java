package dev.striate.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte in tests, without the code under test. */
final class HandMadeFiles {
    private HandMadeFiles() {
    }

    /** The 8-byte little-endian length of the header text, the header's UTF-8 bytes, then the data bytes. */
    static byte[] bytes(String header, int... data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long length = json.length;
        for (int i = 0; i < 8; i++) {
            out.write((int) (length >>> (8 * i)) & 0xFF);
        }
        out.writeBytes(json);
        for (int b : data) {
            out.write(b);
        }
        return out.toByteArray();
    }

    static Path file(Path directory, String name, byte[] contents) {
        try {
            return Files.write(directory.resolve(name), contents);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path file(Path directory, String name, String header, int... data) {
        return file(directory, name, bytes(header, data));
    }

    /** A header entry: {@code "name":{"dtype":..,"shape":[..],"data_offsets":[begin,end]}}. */
    static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }
}
