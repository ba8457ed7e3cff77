package dev.striate.core.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.striate.core.FuzzContract;
import dev.striate.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes given as a weights file end in tensors or in a {@link UserException}, never in another exception,
 * nor above the fuzzer's memory and time bounds. Seeds: {@code SafeTensorsFuzzTestInputs/} (well-formed files,
 * the 896-byte header of issue 9, a pickle, truncated files).
 */
class SafeTensorsFuzzTest {
    private static final Path FILE = temporaryFile();

    private static Path temporaryFile() {
        try {
            Path file = Files.createTempFile("striate-fuzz", ".safetensors");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a temporary file for the fuzz input", e);
        }
    }

    @FuzzTest(maxDuration = "5s")
    void anyBytesEndInTensorsOrAUserError(byte[] input) throws IOException {
        Files.write(FILE, input);
        try {
            SafeTensors.read(FILE);
        } catch (UserException expected) {
            FuzzContract.requireOneLine(expected);
        }
    }
}
