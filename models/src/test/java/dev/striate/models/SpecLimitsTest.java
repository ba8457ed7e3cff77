package dev.striate.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Specs that ask for absurd sizes or work end in one short line naming the place, within a second, never in a
 * wrapped size, a stack overflow or running out of memory (the cases of issue 9, items 2, 3 and 9).
 */
class SpecLimitsTest {
    private static final String HEAD = "{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": \"classes\"}";

    private static String spec(String blocks, String input, String body) {
        return "{\"name\": \"net\", \"input\": " + input + ", \"classes\": 10,"
                + (blocks == null ? "" : " \"blocks\": " + blocks + ",") + " \"body\": " + body + "}";
    }

    /** The one-line message of parsing {@code json}, which must fail with a user error within two seconds. */
    private static String error(String json) {
        return error(json, 300);
    }

    private static String error(String json, int maxLength) {
        UserException e = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> assertThrows(UserException.class, () -> ModelSpecs.parse(json, "net.json")));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().length() < maxLength, e.getMessage().length() + " characters: " + e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' in: " + message);
        }
    }

    @Test
    void paddingOfIntMaxIsASpecErrorAtTheLayer() {
        assertContains(error(spec(null, "[1, 8, 8]", "[{\"type\": \"conv2d\", \"out\": 2, \"kernel\": 3,"
                + " \"padding\": 2147483647}, " + HEAD + "]")), "net.json: body[0]:",
                "output height 4294967300 is more than a dimension can hold");
    }

    @Test
    void anInputOfMoreValuesThanATensorHoldsIsASpecErrorAtInput() {
        assertContains(error(spec(null, "[1, 46341, 46341]", "[" + HEAD + "]")), "net.json: input:",
                "has 2147488281 values, more than one tensor can hold");
    }

    @Test
    void theSameInputInABatchNamesTheBatch() {
        ModelSpec spec = ModelSpecs.parse(spec(null, "[3, 8000, 8000]", "[{\"type\": \"global_avg_pool\"}, "
                + HEAD + "]"), "net.json");
        UserException e = assertThrows(UserException.class, () -> spec.toGraph(64));
        assertContains(e.getMessage(), "net.json: input: a batch of 64 images:", "12288000000 values");
    }

    @Test
    void anExpressionFiftyThousandParenthesesDeepIsRefused() {
        String deep = "$" + "(".repeat(50_000) + "x" + ")".repeat(50_000);
        String blocks = "{\"b\": {\"params\": [\"x\"], \"body\": [{\"type\": \"linear\", \"out\": \"" + deep + "\"}]}}";
        assertContains(error(spec(blocks, "[1, 8, 8]", "[{\"type\": \"flatten\"}, {\"use\": \"b\", \"args\": {\"x\": 4}},"
                + " {\"type\": \"linear\", \"out\": \"classes\"}]")), "nest more than 100 deep", "\"$((((((");
    }

    @Test
    void aHundredNestedParenthesesStillEvaluate() {
        String deep = "$" + "(".repeat(99) + "x * 2" + ")".repeat(99);
        String blocks = "{\"b\": {\"params\": [\"x\"], \"body\": [{\"type\": \"linear\", \"out\": \"" + deep + "\"}]}}";
        ModelSpec spec = ModelSpecs.parse(spec(blocks, "[1, 8, 8]", "[{\"type\": \"flatten\"}, {\"use\": \"b\","
                + " \"args\": {\"x\": 4}}, {\"type\": \"linear\", \"out\": \"classes\"}]"), "net.json");
        assertEquals(64 * 8 + 8 + 8 * 10 + 10, ModelSummary.of(spec, 1).totalParams());
    }

    @Test
    void aChainOfTenThousandBlocksIsRefused() {
        StringBuilder blocks = new StringBuilder("{");
        for (int i = 0; i < 10_000; i++) {
            blocks.append("\"b").append(i).append("\": {\"body\": [{\"use\": \"b").append(i + 1).append("\"}]}, ");
        }
        blocks.append("\"b10000\": {\"body\": [{\"type\": \"relu\"}]}}");
        assertContains(error(spec(blocks.toString(), "[1, 8, 8]", "[{\"use\": \"b0\"}, " + HEAD + "]")),
                "net.json: body[0] -> blocks.b0.body[0]", "layers nest more than 100 deep");
    }

    @Test
    void aRepeatOfIntMaxIsRefusedBeforeExpanding() {
        assertContains(error(spec(null, "[1, 8, 8]", "[{\"type\": \"repeat\", \"n\": 2147483647, \"body\":"
                + " [{\"type\": \"relu\"}]}, " + HEAD + "]")), "net.json: body[0].n:",
                "repeating the body 2147483647 times expands to", "more than a spec may hold (100,000)");
    }

    @Test
    void nestedRepeatsAreCountedTogether() {
        String inner = "{\"type\": \"repeat\", \"n\": 1000, \"body\": [{\"type\": \"relu\"}]}";
        String middle = "{\"type\": \"repeat\", \"n\": 1000, \"body\": [" + inner + "]}";
        String outer = "{\"type\": \"repeat\", \"n\": 1000, \"body\": [" + middle + "]}";
        assertContains(error(spec(null, "[1, 8, 8]", "[" + outer + ", " + HEAD + "]")),
                "body[0].body[0].n: repeating the body 1000 times expands to 1,000,000 layers");
    }

    @Test
    void aStageOrVggBlockOfAbsurdCountIsRefused() {
        assertContains(error(spec(null, "[3, 8, 8]", "[{\"type\": \"stage\", \"block\": \"basic_block\", \"width\": 8,"
                + " \"count\": 2000000000}, " + HEAD + "]")), "body[0].count:", "more than a spec may hold");
        assertContains(error(spec(null, "[3, 8, 8]", "[{\"type\": \"vgg_block\", \"convs\": 2000000000, \"out\": 8},"
                + HEAD + "]")), "body[0].convs:", "more than a spec may hold");
    }

    /** The message lists the 31 valid types (330 characters), so it is allowed that much more than others. */
    @Test
    void aMegabyteUnknownLayerNameIsNotEchoedWhole() {
        String name = "x".repeat(1 << 20);
        assertContains(error(spec(null, "[1, 8, 8]", "[{\"type\": \"" + name + "\"}, " + HEAD + "]"), 300 + 330),
                "body[0].type: unknown layer type 'xxxxxxxxxx", "...'; valid types: adaptive_avg_pool2d");
    }

    @Test
    void nonNumbersTrailingDocumentsAndDeepNestingAreSaidInTheUsersTerms() {
        String nan = error(spec(null, "[1, 8, 8]", "[{\"type\": \"dropout\", \"p\": NaN}, " + HEAD + "]"));
        assertContains(nan, "net.json:1:", "NaN and Infinity are not JSON numbers");
        assertFalse(nan.contains("JsonReadFeature"), nan);
        String two = error(spec(null, "[1, 8, 8]", "[" + HEAD + "]") + "\n" + spec(null, "[1, 8, 8]", "[" + HEAD + "]"));
        assertContains(two, "net.json:2:", "more JSON follows the first value");
        assertFalse(two.contains("FAIL_ON_TRAILING_TOKENS"), two);
        String deep = error("[".repeat(1500) + "]".repeat(1500));
        assertContains(deep, "nest more than 1000 deep");
        assertFalse(deep.contains("StreamReadConstraints"), deep);
    }

    @Test
    void aSpecThatIsNotUtf8SaysSo(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("latin1.json");
        Files.write(file, new byte[] {'{', '"', 'n', (byte) 0xe9, '"', ':', '1', '}'});
        UserException e = assertThrows(UserException.class, () -> ModelSpecs.file(file));
        assertContains(e.getMessage(), "latin1.json is not UTF-8 text");
        assertFalse(e.getMessage().contains("Input length"), e.getMessage());
    }

    @Test
    void infiniteInitializerBoundsAreRefused() {
        assertContains(error(spec(null, "[1, 8, 8]", "[{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 4,"
                + " \"init\": \"uniform(-Infinity, 1)\"}, {\"type\": \"linear\", \"out\": \"classes\"}]")),
                "body[1].init:", "argument '-Infinity' is not a finite number");
        assertContains(error(spec(null, "[1, 8, 8]", "[{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 4,"
                + " \"init\": \"normal(1e999)\"}, {\"type\": \"linear\", \"out\": \"classes\"}]")),
                "argument '1e999' is not a finite number");
    }
}
