package dev.striate.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.UserException;
import dev.striate.core.backend.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingConfigParserTest {
    @TempDir
    Path folder;

    private TrainingConfig merged(String fileJson, Map<String, String> flags) throws IOException {
        Path file = folder.resolve("train.json");
        Files.writeString(file, fileJson);
        ObjectNode settings = TrainingConfigParser.overlay(TrainingConfigParser.overlay(
                JsonNodeFactory.instance.objectNode(), TrainingConfigFile.read(file)), flags);
        return TrainingConfigParser.resolve(settings, "stamp");
    }

    private static Map<String, String> flags(String... keysAndValues) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            flags.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return flags;
    }

    @Test
    void flagsWinOverTheConfigFile() throws IOException {
        TrainingConfig config = merged("""
                {"model": "lenet5", "data": "images", "epochs": 30, "lr": 0.1, "optimizer": "sgd",
                 "weight-decay": 0.0005, "no-decay-bias-bn": true, "schedule": "cosine"}""",
                flags("epochs", "3", "lr", "0.02", "nesterov", "true"));
        assertEquals(3, config.epochs());
        assertEquals(0.02, config.lr(), 0);
        assertTrue(config.nesterov());
        assertEquals(0.0005, config.weightDecay(), 0);
        assertTrue(config.noDecayBiasBn());
        assertEquals("cosine", config.schedule());
        assertEquals("lenet5", config.model());
    }

    @Test
    void defaultsDependOnTheOptimizer() throws IOException {
        TrainingConfig sgd = merged("{\"model\": \"m\", \"data\": \"d\"}", flags());
        assertEquals(0.01, sgd.lr(), 0);
        assertEquals(0.9, sgd.momentum(), 0);
        TrainingConfig adam = merged("{\"model\": \"m\", \"data\": \"d\", \"optimizer\": \"adam\"}", flags());
        assertEquals(0.001, adam.lr(), 0);
        assertEquals(0, adam.momentum(), 0);
        assertEquals(Path.of("runs", "m-stamp").toString(), adam.out());
        assertEquals(10, adam.epochs());
        assertEquals(64, adam.batch());
        assertEquals("auto", adam.device());
        assertEquals(Precision.FP32, adam.precision());
        assertEquals(0, adam.patience());
        assertNull(adam.weights());
    }

    @Test
    void jsonFormReadsBackToTheSameSettings() throws IOException {
        TrainingConfig config = merged("{\"model\": \"m\", \"data\": \"d\", \"train-transform\": {\"flip\": 0}}",
                flags("seed", "12345678901", "checkpoint-every", "50"));
        ObjectNode json = config.toJson();
        assertEquals(config, TrainingConfigParser.resolve(TrainingSettingKeys.checked(json, "config.json"), "x"));
        assertEquals(12345678901L, config.seed());
        assertEquals(50, config.checkpointEvery());
    }

    @Test
    void unknownKeyInTheFileIsNamed() {
        UserException e = assertThrows(UserException.class, () -> merged("{\"epoch\": 3}", flags()));
        assertTrue(e.getMessage().contains("unknown setting 'epoch' (did you mean 'epochs'?)"), e.getMessage());
    }

    @Test
    void aRunsOwnConfigJsonIsAcceptedWithoutItsRunFolder() throws IOException {
        TrainingConfig original = merged("{\"model\": \"resnet18\", \"data\": \"d\"}", flags("input", "3, 64,64",
                "freeze", "backbone", "lr", "0.05", "out", "runs/first", "device", "CUDA:1"));
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.set("settings", original.toJson());
        record.putArray("classes").add("cat");

        TrainingConfig again = merged(record.toString(), flags("out", "runs/second"));

        assertEquals(new InputShape(3, 64, 64), again.input());
        assertEquals(List.of("backbone"), again.freeze());
        assertEquals("cuda:1", again.device());
        assertEquals("runs/second", again.out());
        assertEquals(original.toJson().without("out"), again.toJson().without("out"));
        assertEquals(Path.of("runs", "resnet18-stamp").toString(), merged(record.toString(), flags()).out(),
                "the new run gets a folder of its own");
    }

    @Test
    void freezeListsPrefixesSeparatedByCommas() throws IOException {
        TrainingConfig config = merged("{\"model\": \"m\", \"data\": \"d\", \"freeze\": \"conv1, layer1,,\"}", flags());
        assertEquals(List.of("conv1", "layer1"), config.freeze());
        assertEquals("conv1,layer1", config.toJson().get("freeze").asText());
    }

    @Test
    void wrongTypeInTheFileIsNamed() {
        UserException e = assertThrows(UserException.class, () -> merged("{\"epochs\": \"ten\"}", flags()));
        assertTrue(e.getMessage().contains("'epochs' must be a whole number"), e.getMessage());
    }

    @Test
    void invalidJsonIsNamedWithItsLine() {
        UserException e = assertThrows(UserException.class, () -> merged("{\n\"epochs\": 3,,\n}", flags()));
        assertTrue(e.getMessage().contains("not valid JSON") && e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void badFlagValuesAreUserErrors() {
        String base = "{\"model\": \"m\", \"data\": \"d\"}";
        List<Map<String, String>> bad = List.of(flags("epochs", "ten"), flags("epochs", "0"), flags("lr", "-1"),
                flags("lr", "NaN"), flags("batch", "0"), flags("optimizer", "adamax"), flags("momentum", "1.5"),
                flags("precision", "fp8"), flags("val-split", "1"), flags("label-smoothing", "1"),
                flags("schedule", "step"), flags("warmup-epochs", "20"), flags("transforms", "fancy"),
                flags("train-transform", "[1]"), flags("nesterov", "maybe"), flags("patience", "-1"),
                flags("workers", "0"), flags("clip-grad-norm", "-1"), flags("input", "3,64"),
                flags("input", "3,0,64"), flags("device", "cuda:x"), flags("device", "cuda:-1"));
        for (Map<String, String> flag : bad) {
            UserException e = assertThrows(UserException.class, () -> merged(base, flag), flag.toString());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void missingModelOrDataIsNamed() {
        UserException noData = assertThrows(UserException.class, () -> merged("{\"model\": \"m\"}", flags()));
        assertTrue(noData.getMessage().contains("--data is required"), noData.getMessage());
        UserException noModel = assertThrows(UserException.class, () -> merged("{\"data\": \"d\"}", flags()));
        assertTrue(noModel.getMessage().contains("no model"), noModel.getMessage());
    }

    @Test
    void resumingMayChangeOnlySettingsThatKeepTheResultsTheSame() throws IOException {
        TrainingConfig original = merged("{\"model\": \"m\", \"data\": \"d\"}", flags());
        TrainingConfig longer = merged("{\"model\": \"m\", \"data\": \"elsewhere\"}",
                flags("epochs", "20", "workers", "3", "device", "cpu"));
        assertEquals(List.of(), TrainingConfigParser.changedOnResume(original, longer));
        TrainingConfig otherRate = merged("{\"model\": \"m\", \"data\": \"d\"}", flags("lr", "0.5"));
        assertEquals(List.of("--lr 0.01 -> 0.5"), TrainingConfigParser.changedOnResume(original, otherRate));
    }

    /** What is wrong with a --config file is said in the user's terms, without Jackson's class or feature names. */
    @Test
    void configFileErrorsAreInTheUsersTerms() throws IOException {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"model\": \"lenet5\", \"lr\": NaN}", "NaN and Infinity are not JSON numbers");
        cases.put("{\"model\": \"lenet5\"}\n{\"epochs\": 3}", "more JSON follows the first value");
        cases.put("{\"model\": " + "[".repeat(1500) + "]".repeat(1500) + "}", "nest more than 1000 deep");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = Files.writeString(folder.resolve("bad.json"), c.getKey());
            UserException e = assertThrows(UserException.class, () -> TrainingConfigFile.read(file));
            assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
            assertFalse(e.getMessage().contains("Feature") || e.getMessage().contains("Constraints"), e.getMessage());
            assertTrue(e.getMessage().length() < 300, e.getMessage());
        }
        Path latin1 = Files.write(folder.resolve("latin1.json"), new byte[] {'{', '"', (byte) 0xe9, '"', ':', '1', '}'});
        UserException e = assertThrows(UserException.class, () -> TrainingConfigFile.read(latin1));
        assertTrue(e.getMessage().contains("latin1.json is not UTF-8 text"), e.getMessage());
    }
}
