package dev.striate.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of spec error is one line that names the place at fault. */
class SpecErrorsTest {
    /** A spec around {@code body} (a JSON list) and optional {@code blocks} (a JSON object or null). */
    private static String spec(String blocks, String body) {
        return "{\"name\": \"net\", \"input\": [3, 32, 32], \"classes\": 10,"
                + (blocks == null ? "" : " \"blocks\": " + blocks + ",") + " \"body\": " + body + "}";
    }

    /** The message of the SpecException that parsing {@code json} throws, checked to be one line. */
    private static String error(String json) {
        SpecException e = assertThrows(SpecException.class, () -> ModelSpecs.parse(json, "net.json"));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("net.json"), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' in: " + message);
        }
    }

    private static final String HEAD = "{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": \"classes\"}";

    @Test
    void malformedJsonNamesFileLineAndColumn() {
        String json = "{\n  \"name\": \"net\",\n  \"input\": [3, 32, 32]\n  \"classes\": 10\n}";
        assertContains(error(json), "net.json:4:3: malformed JSON: Unexpected character", "expecting comma");
    }

    @Test
    void duplicateKeysAreMalformed() {
        assertContains(error("{\"name\": \"a\",\n\"name\": \"b\"}"), "net.json:2:", "Duplicate field 'name'");
    }

    @Test
    void unknownLayerTypeListsValidTypesAndTheNearest() {
        String message = error(spec(null, "[{\"type\": \"relu\"}, {\"type\": \"conv2\", \"out\": 8}, " + HEAD + "]"));
        assertContains(message, "net.json: body[1].type: unknown layer type 'conv2' (did you mean 'conv2d'?)",
                "valid types: adaptive_avg_pool2d, avg_pool2d, basic_block", "vgg_block");
    }

    @Test
    void aLayerTypeHoldingANewlineIsQuotedOnOneLine() {
        String message = error(spec(null, "[{\"type\": \"slice_chan\\nels\"}, " + HEAD + "]"));
        assertContains(message, "unknown layer type 'slice_chan\\nels' (did you mean 'slice_channels'?)");
    }

    @Test
    void addIsExplainedRatherThanUnknown() {
        assertContains(error(spec(null, "[{\"type\": \"add\"}, " + HEAD + "]")), "body[0].type", "residual");
    }

    @Test
    void unknownAttributeListsValidOnesAndTheNearest() {
        String message = error(spec(null, "[{\"type\": \"conv2d\", \"out\": 8, \"kernel\": 3, \"strid\": 2}, " + HEAD
                + "]"));
        assertContains(message, "net.json: body[0]: unknown attribute 'strid' of conv2d (did you mean 'stride'?)",
                "valid attributes: bias, dilation, groups, init, kernel, name, out, padding, stride, type");
    }

    @Test
    void misspeltRequiredAttributeIsReportedAsMisspelt() {
        assertContains(error(spec(null, "[{\"type\": \"conv2d\", \"out\": 8, \"kernal\": 3}, " + HEAD + "]")),
                "unknown attribute 'kernal' of conv2d (did you mean 'kernel'?)");
    }

    @Test
    void missingAttributeIsNamed() {
        assertContains(error(spec(null, "[{\"type\": \"conv2d\", \"out\": 8}, " + HEAD + "]")),
                "body[0]: conv2d needs the attribute 'kernel'");
    }

    @Test
    void wrongTypeNamesTheJsonPath() {
        String body = "[{\"type\": \"sequential\", \"body\": [{\"type\": \"relu\"}, {\"type\": \"conv2d\", \"out\": 8,"
                + " \"kernel\": 3, \"stride\": \"two\"}]}, " + HEAD + "]";
        assertContains(error(spec(null, body)), "net.json: body[0].body[1].stride: must be an integer, got \"two\"");
    }

    @Test
    void outOfRangeValueNamesTheNestedJsonPath() {
        String body = "[{\"type\": \"relu\"}, {\"type\": \"residual\", \"body\": [{\"type\": \"relu\"},"
                + " {\"type\": \"sequential\", \"body\": [{\"type\": \"relu\"}, {\"type\": \"relu\"},"
                + " {\"type\": \"conv2d\", \"out\": 3, \"kernel\": 3, \"padding\": 1, \"stride\": -1}]}]}, "
                + HEAD + "]";
        assertContains(error(spec(null, body)), "net.json: body[1].body[1].body[2].stride: must be positive, got -1");
        assertContains(error(spec(null, "[{\"type\": \"dropout\", \"p\": 1.5}, " + HEAD + "]")),
                "body[0].p: must be in [0, 1), got 1.5");
        assertContains(error(spec(null, "[{\"type\": \"conv2d\", \"out\": 8, \"kernel\": [3, 0]}, " + HEAD + "]")),
                "body[0].kernel[1]: must be positive, got 0");
        assertContains(error(spec(null, "[{\"type\": \"conv2d\", \"out\": 8, \"kernel\": 3, \"init\": \"normal(-1)\"}, "
                + HEAD + "]")), "body[0].init: the standard deviation of \"normal(-1)\" must be positive");
        assertContains(error(spec(null, "[{\"type\": \"linear\", \"out\": 8, \"init\": \"xavier_norma\"}, " + HEAD
                + "]")), "body[0].init: unknown initializer 'xavier_norma' (did you mean 'xavier_normal'?)");
    }

    @Test
    void compositionAttributesAreChecked() {
        assertContains(error(spec(null, "[{\"type\": \"residual\", \"body\": [{\"type\": \"relu\"}],"
                + " \"activation\": \"sequential\"}, " + HEAD + "]")),
                "body[0].activation: must be an op layer type such as \"relu\"");
        assertContains(error(spec(null, "[{\"type\": \"concat\", \"branches\": [[]]}, " + HEAD + "]")),
                "body[0].branches: a concat needs at least two branches, got 1");
        assertContains(error(spec(null, "[{\"type\": \"sequential\", \"body\": []}, " + HEAD + "]")),
                "body[0].body: must hold at least one layer");
        assertContains(error(spec(null, "[{\"type\": \"sequential\", \"name\": \"s\", \"inline\": true,"
                + " \"body\": [{\"type\": \"relu\"}]}, " + HEAD + "]")), "body[0]: an inline sequential has no name");
        assertContains(error(spec(null, "[{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": \"in\"}]")),
                "body[1].out: must be a positive integer or \"classes\", got \"in\"");
    }

    @Test
    void modelAttributesAreChecked() {
        assertContains(error("{\"name\": \"net\", \"input\": [3, 32], \"classes\": 10, \"body\": []}"),
                "net.json: input: must be [channels, height, width], got [3,32]");
        assertContains(error("{\"name\": \"net\", \"input\": [3, 32, 32], \"classes\": 0, \"body\": []}"),
                "net.json: classes: must be positive, got 0");
        assertContains(error("{\"name\": \"net\", \"input\": [3, 32, 32], \"classes\": 10, \"bodyy\": []}"),
                "unknown attribute 'bodyy' of a model spec (did you mean 'body'?)");
    }

    @Test
    void shapeErrorNamesTheLayerPathTheNodeAndTheShapes() {
        String body = "[{\"type\": \"sequential\", \"name\": \"features\","
                + " \"body\": [{\"type\": \"conv2d\", \"out\": 8,"
                + " \"kernel\": 3}, {\"type\": \"conv2d\", \"out\": 8, \"kernel\": 3, \"groups\": 3}]}, " + HEAD + "]";
        assertContains(error(spec(null, body)), "net.json: body[0].body[1]: node 'features.1' (conv2d): ",
                "input channels 8 are not divisible by groups 3", "[1, 8, 30, 30]");
    }

    @Test
    void shapeErrorAfterChangingTheInputNamesTheLayer() {
        SpecException e = assertThrows(SpecException.class, () -> ModelSpecs.zoo("lenet5").withInput(1, 12, 12));
        assertContains(e.getMessage(), "zoo/lenet5.json: body[3]: node '3' (conv2d): kernel 5x5 is larger than the"
                + " padded input 4x4; input shape [1, 6, 4, 4]");
    }

    @Test
    void residualShapeMismatchNamesTheResidual() {
        String body = "[{\"type\": \"relu\"}, {\"type\": \"residual\", \"body\": [{\"type\": \"conv2d\", \"out\": 4,"
                + " \"kernel\": 1}]}, " + HEAD + "]";
        assertContains(error(spec(null, body)), "body[1]: node '1.add' (add): inputs must have the same shape",
                "[1, 4, 32, 32]", "[1, 3, 32, 32]");
    }

    @Test
    void logitsMustMatchTheClasses() {
        assertContains(error(spec(null, "[{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 7}]")),
                "net.json: body: the last layer ('1') gives [1, 7] but the model must give logits [batch, classes] = "
                        + "[1, 10]");
    }

    @Test
    void undefinedBlockListsDeclaredOnesAndTheNearest() {
        String blocks = "{\"fire\": {\"params\": [\"squeeze\"], \"body\": [{\"type\": \"conv2d\", \"out\":"
                + " \"$squeeze\", \"kernel\": 1}]}}";
        assertContains(error(spec(blocks, "[{\"use\": \"fyre\", \"args\": {\"squeeze\": 4}}, " + HEAD + "]")),
                "net.json: body[0].use: block 'fyre' is not declared under \"blocks\" (did you mean 'fire'?); declared"
                        + " blocks: fire");
    }

    @Test
    void recursiveBlocksAreDetected() {
        String blocks = "{\"a\": {\"body\": [{\"type\": \"relu\"}, {\"use\": \"b\"}]},"
                + " \"b\": {\"body\": [{\"use\": \"a\"}]}}";
        assertContains(error(spec(blocks, "[{\"use\": \"a\"}, " + HEAD + "]")),
                "net.json: body[0] -> blocks.a.body[1] -> blocks.b.body[0].use: block 'a' uses itself: a -> b -> a");
    }

    @Test
    void blockArgumentsAreChecked() {
        String blocks = "{\"fire\": {\"params\": [\"squeeze\", \"expand\"], \"defaults\": {\"expand\": 8},"
                + " \"body\": [{\"type\": \"conv2d\", \"out\": \"$squeeze\", \"kernel\": 1}]}}";
        assertContains(error(spec(blocks, "[{\"use\": \"fire\", \"args\": {\"squeze\": 4}}, " + HEAD + "]")),
                "body[0].args.squeze: block 'fire' has no parameter 'squeze' (did you mean 'squeeze'?)");
        assertContains(error(spec(blocks, "[{\"use\": \"fire\"}, " + HEAD + "]")),
                "body[0].args: block 'fire' needs the argument 'squeeze' (it has no default)");
    }

    @Test
    void errorsInsideABlockNameTheUseAndThePlaceInTheBlock() {
        String blocks = "{\"fire\": {\"params\": [\"squeeze\"], \"body\": [{\"type\": \"relu\"},"
                + " {\"type\": \"conv2d\", \"out\": \"$squeeze * 2\", \"kernel\": 1, \"stride\": \"$sqeeze\"}]}}";
        assertContains(error(spec(blocks, "[{\"type\": \"relu\"}, {\"use\": \"fire\", \"args\": {\"squeeze\": 4}}, "
                        + HEAD + "]")),
                "net.json: body[1] -> blocks.fire.body[1].stride: in \"$sqeeze\": block 'fire' has no parameter "
                        + "'sqeeze' (did you mean 'squeeze'?)");
    }

    @Test
    void expressionsOutsideBlocksAreExplained() {
        assertContains(error(spec(null, "[{\"type\": \"conv2d\", \"out\": \"$width\", \"kernel\": 1}, " + HEAD + "]")),
                "body[0].out: must be a positive integer, \"classes\" or \"in\", got \"$width\"",
                "only inside a block");
    }

    @Test
    void aNameUsedTwiceNamesBothLayers() {
        String body = "[{\"type\": \"conv2d\", \"name\": \"conv\", \"out\": 4, \"kernel\": 1},"
                + " {\"type\": \"conv2d\", \"name\": \"conv\", \"out\": 4, \"kernel\": 1}, " + HEAD + "]";
        assertContains(error(spec(null, body)),
                "net.json: body[1]: the node name 'conv' is already used by the layer at body[0]");
    }

    @Test
    void stageRejectsBlocksItCannotRepeat() {
        assertContains(error(spec(null, "[{\"type\": \"stage\", \"block\": \"bottlenek\", \"width\": 4, \"count\": 2},"
                + " " + HEAD + "]")), "body[0].block: a stage repeats one of", "(did you mean 'bottleneck'?)");
        assertContains(error(spec(null, "[{\"type\": \"stage\", \"block\": \"bottleneck\", \"width\": 4, \"count\": 2,"
                + " \"expansion\": 2}, " + HEAD + "]")),
                "body[0]: unknown attribute 'expansion' of stage of bottleneck");
    }

    @Test
    void aMissingFileOrModelIsNamed(@TempDir Path dir) throws Exception {
        UserException e = assertThrows(UserException.class,
                () -> ModelSpecs.resolve("resnet05"));
        assertContains(e.getMessage(), "'resnet05' is neither a zoo model nor a file (did you mean 'resnet50'?)");
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"name\": \"x\",");
        SpecException bad = assertThrows(SpecException.class, () -> ModelSpecs.resolve(file.toString()));
        assertEquals(file + ":1:14: malformed JSON: Unexpected end-of-input within/between Object entries",
                bad.getMessage());
    }
}
