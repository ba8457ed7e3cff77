package dev.striate.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.striate.core.UserException;
import org.junit.jupiter.api.Test;

class PrecisionTest {
    @Test
    void flagValuesParseWhateverTheirCaseAndRoundTrip() {
        assertEquals(Precision.FP32, Precision.parse("fp32"));
        assertEquals(Precision.TF32, Precision.parse(" TF32 "));
        assertEquals(Precision.BF16, Precision.parse("bf16"));
        for (Precision precision : Precision.values()) {
            assertEquals(precision, Precision.parse(precision.flagValue()));
        }
    }

    @Test
    void anythingElseIsAUserErrorListingTheChoices() {
        UserException e = assertThrows(UserException.class, () -> Precision.parse("fp16"));
        assertEquals("--precision must be one of fp32, tf32, bf16, got 'fp16'", e.getMessage());
    }
}
