package dev.striate.models;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.striate.core.UserException;

/**
 * Any text given as a spec ends in a model or in a {@link UserException}, never in another exception, a stack
 * overflow or running out of memory (Jazzer reports those as findings), and within the time bound. The seeds under
 * {@code src/test/resources/dev/striate/models/SpecParserFuzzTestInputs/} (the cases of issue 9, zoo and doc specs)
 * run as regression tests in every build; {@code JAZZER_FUZZ=1} fuzzes from them.
 */
class SpecParserFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void anySpecTextEndsInAModelOrAUserError(byte[] input) {
        String text = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        try {
            ModelSpec spec = ModelSpecs.parse(text, "fuzz.json");
            ModelSummary.of(spec, 1);
        } catch (UserException expected) {
            // The contract: a user's mistake is a UserException with a message.
            if (expected.getMessage() == null || expected.getMessage().contains("\n")) {
                throw new AssertionError("a user error must be one line: " + expected.getMessage());
            }
        }
    }
}
