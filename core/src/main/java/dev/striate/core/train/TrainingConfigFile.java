package dev.striate.core.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.striate.core.FileProblems;
import dev.striate.core.JsonProblems;
import dev.striate.core.UserException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A {@code --config} file: a JSON object of settings keyed by flag name, or a run's own {@code config.json}, whose
 * {@code settings} are taken without their {@code out} so that the new run gets a folder of its own.
 */
public final class TrainingConfigFile {
    /** The key under which a run's {@code config.json} records its settings. */
    public static final String SETTINGS = "settings";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingConfigFile() {
    }

    /** The file's settings, every key and value type checked. */
    public static ObjectNode read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserException("--config " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new UserException("--config " + file + " is not UTF-8 text; save it as UTF-8 JSON");
        } catch (IOException e) {
            throw new UserException("--config " + file + ": cannot read it (" + FileProblems.reason(e) + ")");
        }
        JsonNode node;
        try {
            node = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
        } catch (JsonProcessingException e) {
            throw new UserException("--config " + file + ": not valid JSON (" + JsonProblems.describe(e)
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()) + ")");
        }
        if (node != null && node.path(SETTINGS).isObject()) {
            ObjectNode settings = TrainingSettingKeys.checked(node.get(SETTINGS), file + " (" + SETTINGS + ")");
            settings.remove("out");
            return settings;
        }
        return TrainingSettingKeys.checked(node, file.toString());
    }
}
