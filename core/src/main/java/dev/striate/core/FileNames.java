package dev.striate.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * File names and messages as Striate prints them: on one line whatever they hold. A Linux file name may contain a
 * newline, a tab or other control characters (any byte but '/' and NUL), which would otherwise split an error over
 * two lines; they are printed as escapes ({@code \n}, {@code \t}, {@code \x1b}), everything else as it is.
 */
public final class FileNames {
    private FileNames() {
    }

    /**
     * The path a command-line argument names, as the operating system gave it. The JVM decodes arguments as UTF-8
     * and turns bytes that are not UTF-8 (a Latin-1 name such as {@code caf\xe9.png}) into U+FFFD, which names no
     * file; a listed directory keeps each entry's bytes, so such an argument is matched against its folder's entries
     * decoded the same way. When none or several match, the argument is returned as it is.
     */
    public static Path fromArgument(String argument) {
        Path path = Path.of(argument);
        if (argument.indexOf('\uFFFD') < 0 || Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return path;
        }
        Path parent = path.getParent() == null ? Path.of("") : fromArgument(path.getParent().toString());
        String name = path.getFileName().toString();
        try (Stream<Path> entries = Files.list(parent.toString().isEmpty() ? Path.of(".") : parent)) {
            List<Path> matches = entries.filter(entry -> entry.getFileName().toString().equals(name)).toList();
            return matches.size() == 1 ? (parent.toString().isEmpty() ? matches.getFirst().getFileName()
                    : parent.resolve(matches.getFirst().getFileName())) : path;
        } catch (IOException unreadableFolder) {
            // Opening the path as given reports the folder's problem where the caller reads the file.
            return path;
        }
    }

    /** A path for a message: control characters and backslashes escaped, so that the text maps back to one name. */
    public static String quoted(Path path) {
        String text = path.toString();
        if (text.indexOf('\uFFFD') < 0) {
            return quoted(text);
        }
        // The name holds bytes that are not UTF-8: its URI keeps them, percent-encoded; print them as \xNN.
        String uri = path.toAbsolutePath().toUri().getRawPath();
        if (uri.endsWith("/") && !text.endsWith("/")) {
            uri = uri.substring(0, uri.length() - 1);
        }
        return escapeBytes(percentDecoded(uri));
    }

    private static byte[] percentDecoded(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toByteArray();
    }

    /** UTF-8 text with each byte that does not decode written as \xNN. */
    private static String escapeBytes(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        StringBuilder text = new StringBuilder();
        while (in.hasRemaining()) {
            CoderResult result = decoder.decode(in, out, true);
            text.append(quoted(out.flip().toString()));
            out.clear();
            if (result.isError()) {
                for (int i = 0; i < result.length(); i++) {
                    text.append(String.format("\\x%02x", in.get() & 0xff));
                }
            }
        }
        return text.toString();
    }

    public static String quoted(String name) {
        return name == null ? "" : escape(name, true);
    }

    /** A whole message on one line: its control characters escaped, backslashes left alone. */
    public static String oneLine(String message) {
        return message == null ? "" : escape(message, false);
    }

    private static String escape(String text, boolean backslashes) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append(backslashes ? "\\\\" : "\\");
                case '\u2028', '\u2029', '\u0085' -> out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
