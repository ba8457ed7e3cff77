package dev.striate.core.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.striate.core.FuzzContract;
import dev.striate.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes given as a {@code --config} file end in training settings or in a {@link UserException}, never in
 * another exception, nor above the fuzzer's memory and time bounds.
 */
class TrainingConfigFuzzTest {
    private static final Path FILE = temporaryFile();

    private static Path temporaryFile() {
        try {
            Path file = Files.createTempFile("striate-fuzz", ".json");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a temporary file for the fuzz input", e);
        }
    }

    @FuzzTest(maxDuration = "5s")
    void anyConfigFileEndsInSettingsOrAUserError(byte[] input) throws IOException {
        Files.write(FILE, input);
        try {
            TrainingConfigParser.resolve(TrainingConfigFile.read(FILE), "fuzz");
        } catch (UserException expected) {
            FuzzContract.requireOneLine(expected);
        }
    }
}
