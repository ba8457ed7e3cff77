package dev.striate.core.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a safetensors file, checked as strictly as the reference reader checks it: a UTF-8 JSON
 * object with no duplicate names, every entry a known dtype, a shape and a pair of data offsets whose byte count
 * fits the shape, and offsets that tile the data buffer from its first byte to its last without gap or overlap.
 */
record SafeTensorsHeader(List<Entry> entries, Map<String, String> metadata) {
    static final String METADATA_KEY = "__metadata__";

    /** One tensor's description; offsets are relative to the data buffer that follows the header. */
    record Entry(String name, DType dtype, Shape shape, long begin, long end) {
        String offsetsText() {
            return "data_offsets [" + begin + ", " + end + "]";
        }
    }

    /** Jackson fails on a repeated key, which a map would otherwise silently keep the last of. */
    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** Every dtype the format defines, so that a valid but unsupported one is told apart from a typo. */
    private static final Set<String> FORMAT_DTYPES = Set.of("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
            "F6_E2M3", "F6_E3M2", "F4", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64");

    /** The largest element count one tensor may have: Java's arrays are indexed by int. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    static SafeTensorsHeader parse(Path file, byte[] header, long bufferLength) {
        String text = decodeUtf8(file, header);
        if (text.isBlank()) {
            throw new SafeTensorsException(file, "the JSON header is empty");
        }
        if (text.charAt(0) != '{') {
            throw new SafeTensorsException(file, "the header does not start with '{', so it is not a JSON object");
        }
        JsonNode root = parseJson(file, text);
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, field.getValue());
            } else {
                entries.add(parseEntry(file, field.getKey(), field.getValue()));
            }
        }
        checkOffsets(file, entries, bufferLength);
        return new SafeTensorsHeader(List.copyOf(entries), metadata);
    }

    private static String decodeUtf8(Path file, byte[] header) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsException(file, "the header is not valid UTF-8 text");
        }
    }

    private static JsonNode parseJson(Path file, String text) {
        try (JsonParser parser = JSON.createParser(text)) {
            try {
                JsonNode root = JSON.readTree(parser);
                if (parser.nextToken() != null) {
                    throw new SafeTensorsException(file, "the header has more after its JSON object ("
                            + where(parser.currentTokenLocation().getLineNr(),
                            parser.currentTokenLocation().getColumnNr())
                            + "); only whitespace may pad it");
                }
                return root;
            } catch (JsonProcessingException e) {
                throw new SafeTensorsException(file, describe(e, parser.getParsingContext()));
            }
        } catch (IOException e) {
            throw new SafeTensorsException(file, "the header is not valid JSON: " + oneLine(e.getMessage()));
        }
    }

    /** Jackson's duplicate check stops with the repeated key as the current name of the parsing context. */
    private static String describe(JsonProcessingException e, JsonStreamContext context) {
        String problem = oneLine(e.getOriginalMessage());
        if (problem.startsWith("Duplicate field") && context.getCurrentName() != null) {
            JsonStreamContext parent = context.getParent();
            boolean topLevel = parent == null || parent.inRoot();
            return topLevel ? "the header names tensor '" + context.getCurrentName() + "' twice"
                    : "entry '" + parent.getCurrentName() + "' of the header has key '" + context.getCurrentName()
                    + "' twice";
        }
        String at = e.getLocation() == null ? "" : " (" + where(e.getLocation().getLineNr(),
                e.getLocation().getColumnNr()) + ")";
        return "the header is not valid JSON: " + problem + at;
    }

    private static String where(int line, int column) {
        return "line " + line + ", column " + column + " of the header";
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new SafeTensorsException(file, METADATA_KEY + " must be a JSON object of strings, got "
                    + node.getNodeType().name().toLowerCase());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw new SafeTensorsException(file, METADATA_KEY + " value '" + field.getKey()
                        + "' must be a string, got " + field.getValue().getNodeType().name().toLowerCase());
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
        return metadata;
    }

    private static Entry parseEntry(Path file, String name, JsonNode node) {
        String tensor = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafeTensorsException(file, tensor + " must be described by a JSON object with dtype, shape"
                    + " and data_offsets");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafeTensorsException(file, tensor + " has no dtype string");
        }
        DType dtype = dtypeOf(file, tensor, dtypeNode.textValue());
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new SafeTensorsException(file, tensor + " has no shape array");
        }
        int[] dims = new int[shapeNode.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = Math.toIntExact(nonNegativeInteger(file, tensor + " shape", shapeNode.get(i), Integer.MAX_VALUE));
        }
        Shape shape = Shape.of(dims);
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw new SafeTensorsException(file, tensor + " needs data_offsets, an array of two byte offsets");
        }
        long begin = nonNegativeInteger(file, tensor + " data_offsets", offsets.get(0), Long.MAX_VALUE);
        long end = nonNegativeInteger(file, tensor + " data_offsets", offsets.get(1), Long.MAX_VALUE);
        if (elementCount(dims) > MAX_ELEMENTS) {
            throw new SafeTensorsException(file, tensor + " of shape " + shape + " has more elements than one"
                    + " tensor may hold (" + MAX_ELEMENTS + ")");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static DType dtypeOf(Path file, String tensor, String name) {
        for (DType dtype : DType.values()) {
            if (dtype.safetensorsName().equals(name)) {
                return dtype;
            }
        }
        List<String> readable = Arrays.stream(DType.values()).map(DType::safetensorsName).toList();
        if (FORMAT_DTYPES.contains(name)) {
            throw new SafeTensorsException(file, tensor + " has dtype " + name + ", which Striate does not read"
                    + " (it reads " + String.join(", ", readable) + ")");
        }
        throw new SafeTensorsException(file, tensor + " has unknown dtype '" + name + "' (safetensors dtypes: "
                + String.join(", ", FORMAT_DTYPES.stream().sorted().toList()) + ")");
    }

    private static long nonNegativeInteger(Path file, String what, JsonNode node, long max) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0
                || node.longValue() > max) {
            throw new SafeTensorsException(file, what + " must hold whole numbers from 0 to " + max + ", got "
                    + node);
        }
        return node.longValue();
    }

    /** The product of the dimensions, saturating at Long.MAX_VALUE instead of overflowing. */
    private static long elementCount(int[] dims) {
        long count = 1;
        for (int d : dims) {
            if (d != 0 && count > Long.MAX_VALUE / d) {
                return Long.MAX_VALUE;
            }
            count *= d;
        }
        return count;
    }

    /**
     * In the order of their offsets (as the reference reader checks them, whatever the header's order), each
     * tensor must begin where the previous one ended, end in bounds, and span exactly its shape's bytes; the last
     * must end where the file ends.
     */
    private static void checkOffsets(Path file, List<Entry> entries, long bufferLength) {
        List<Entry> byOffset = entries.stream()
                .sorted(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end)).toList();
        long previousEnd = 0;
        String previous = null;
        for (Entry e : byOffset) {
            String tensor = "tensor '" + e.name() + "' " + e.offsetsText();
            if (e.end() < e.begin()) {
                throw new SafeTensorsException(file, tensor + " end before they begin");
            }
            if (e.begin() < previousEnd) {
                throw new SafeTensorsException(file, tensor + " overlap the previous tensor '" + previous
                        + "', which ends at byte " + previousEnd);
            }
            if (e.begin() > previousEnd) {
                throw new SafeTensorsException(file, tensor + " leave a gap: bytes " + previousEnd + " to "
                        + e.begin() + " of the data belong to no tensor");
            }
            if (e.end() > bufferLength) {
                throw new SafeTensorsException(file, tensor + " run past the end of the data, which holds "
                        + bufferLength + " bytes (is the file truncated?)");
            }
            long wanted = e.shape().size() * e.dtype().bytes();
            if (e.end() - e.begin() != wanted) {
                throw new SafeTensorsException(file, tensor + " hold " + (e.end() - e.begin()) + " bytes, but "
                        + e.dtype() + " of shape " + e.shape() + " takes " + wanted);
            }
            previousEnd = e.end();
            previous = e.name();
        }
        if (previousEnd != bufferLength) {
            throw new SafeTensorsException(file, "the tensors cover " + previousEnd + " bytes of data, but the file"
                    + " holds " + bufferLength + " after the header: " + (bufferLength - previousEnd)
                    + " bytes at the end belong to no tensor");
        }
    }
}
