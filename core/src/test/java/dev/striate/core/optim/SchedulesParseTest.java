package dev.striate.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --schedule} text to schedules, flag errors, and schedule state for checkpoints. */
class SchedulesParseTest {
    private static final double TOLERANCE = 1e-12;

    @Test
    void everyFormParsesToItsSchedule() {
        assertEquals(new ConstantSchedule(0.1), Schedules.parse("constant", 0.1, 90, 0));
        assertEquals(new StepSchedule(0.1, 30, 0.1), Schedules.parse("step:30:0.1", 0.1, 90, 0));
        assertEquals(new StepSchedule(0.1, 30, 0.1), Schedules.parse("step:30", 0.1, 90, 0));
        assertEquals(new MultiStepSchedule(0.1, List.of(30, 60, 90), 0.1),
                Schedules.parse("multistep:30,60,90:0.1", 0.1, 100, 0));
        assertEquals(new MultiStepSchedule(0.1, List.of(5), 0.5), Schedules.parse("MultiStep:5:0.5", 0.1, 10, 0));
        assertEquals(new ExponentialSchedule(0.1, 0.95), Schedules.parse("exponential:0.95", 0.1, 90, 0));
        assertEquals(new CosineSchedule(0.1, 0, 90), Schedules.parse("cosine", 0.1, 90, 0));
        assertEquals(new CosineSchedule(0.1, 1e-5, 90), Schedules.parse("cosine:1e-5", 0.1, 90, 0));
    }

    @Test
    void plateauTakesPyTorchsDefaultsOrTheGivenFactorAndPatience() {
        PlateauSchedule defaults = assertInstanceOf(PlateauSchedule.class, Schedules.parse("plateau", 0.01, 90, 0));
        assertEquals(0.1, defaults.factor(), 0);
        assertEquals(10, defaults.patience());
        PlateauSchedule given = assertInstanceOf(PlateauSchedule.class, Schedules.parse("plateau:0.5:5", 0.01, 90, 0));
        assertEquals(0.5, given.factor(), 0);
        assertEquals(5, given.patience());
        assertEquals(0.01, given.rate(0, 0, 1), TOLERANCE);
    }

    @Test
    void warmupEpochsWrapTheSchedule() {
        LearningRateSchedule schedule = Schedules.parse("step:30:0.1", 0.1, 90, 5);
        assertEquals(new WarmupSchedule(new StepSchedule(0.1, 30, 0.1), 5), schedule);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "linear", "step", "step:0", "step:x:0.1", "step:30:0", "step:30:0.1:4",
            "multistep", "multistep:60,30", "multistep:30,,60", "multistep:0,30", "exponential", "exponential:abc",
            "exponential:NaN", "cosine:0.5", "cosine:-1", "plateau:1.5", "plateau:0.1:-2", "plateau:0.1:2.5",
            "constant:3"})
    void badTextNamesTheFlagAndTheValidForms(String text) {
        UserException error = assertThrows(UserException.class, () -> Schedules.parse(text, 0.1, 90, 0));
        assertTrue(error.getMessage().startsWith("--schedule '" + text + "': "), error.getMessage());
        assertTrue(error.getMessage().endsWith("valid forms: " + Schedules.FORMS), error.getMessage());
        assertTrue(!error.getMessage().contains("\n"), "one line");
    }

    @Test
    void badRunSettingsNameTheirFlags() {
        assertTrue(assertThrows(UserException.class, () -> Schedules.parse("constant", 0, 90, 0)).getMessage()
                .startsWith("--lr "));
        assertTrue(assertThrows(UserException.class, () -> Schedules.parse("constant", 0.1, 0, 0)).getMessage()
                .startsWith("--epochs "));
        assertTrue(assertThrows(UserException.class, () -> Schedules.parse("constant", 0.1, 5, 6)).getMessage()
                .startsWith("--warmup-epochs "));
    }

    @Test
    void plateauStateRestoresIntoAFreshSchedule() {
        PlateauSchedule original = new PlateauSchedule(0.1, 0.1, 1);
        original.endOfEpoch(0, 0.7);
        original.endOfEpoch(1, 0.6);
        original.endOfEpoch(2, 0.6);
        original.endOfEpoch(3, 0.65);
        // Cut once at epoch 2 (0.1 → 0.01); one bad epoch counted since.
        Map<String, Object> state = new HashMap<>(original.state());
        PlateauSchedule resumed = new PlateauSchedule(0.1, 0.1, 1);
        resumed.restore(state);
        assertEquals(0.01, resumed.rate(4, 0, 1), TOLERANCE);
        // The best accuracy (0.7) and the bad count came back: one more bad epoch cuts again in both.
        original.endOfEpoch(4, 0.69);
        resumed.endOfEpoch(4, 0.69);
        assertEquals(0.001, resumed.rate(5, 0, 1), TOLERANCE);
        assertEquals(original.rate(5, 0, 1), resumed.rate(5, 0, 1), 0);
    }

    @Test
    void plateauStateBeforeAnyEpochHasNoBestAndRestores() {
        Map<String, Object> state = new PlateauSchedule(0.1, 0.1, 0).state();
        assertEquals(Map.of("kind", "plateau", "rate", 0.1, "badEpochs", 0), state);
        PlateauSchedule resumed = new PlateauSchedule(0.1, 0.1, 0);
        resumed.restore(state);
        resumed.endOfEpoch(0, 0.01);
        assertEquals(0.1, resumed.rate(1, 0, 1), TOLERANCE);
    }

    @Test
    void warmupStateCarriesTheInnerState() {
        WarmupSchedule original = new WarmupSchedule(new PlateauSchedule(0.1, 0.5, 0), 1);
        original.endOfEpoch(0, 0.5);
        original.endOfEpoch(1, 0.4);
        WarmupSchedule resumed = new WarmupSchedule(new PlateauSchedule(0.1, 0.5, 0), 1);
        resumed.restore(original.state());
        assertEquals(0.05, resumed.rate(2, 0, 4), TOLERANCE);
    }

    @Test
    void stateOfAnotherScheduleOrDamagedStateIsAUserError() {
        UserException otherKind = assertThrows(UserException.class,
                () -> new CosineSchedule(0.1, 0, 5).restore(new StepSchedule(0.1, 2, 0.1).state()));
        assertTrue(otherKind.getMessage().contains("'step'"), otherKind.getMessage());
        UserException otherWarmup = assertThrows(UserException.class,
                () -> new WarmupSchedule(new ConstantSchedule(0.1), 2)
                        .restore(new WarmupSchedule(new ConstantSchedule(0.1), 3).state()));
        assertTrue(otherWarmup.getMessage().contains("--warmup-epochs"), otherWarmup.getMessage());
        assertThrows(UserException.class, () -> new PlateauSchedule(0.1, 0.1, 1)
                .restore(Map.of("kind", "plateau", "rate", "fast", "badEpochs", 0)));
        assertThrows(UserException.class, () -> new PlateauSchedule(0.1, 0.1, 1)
                .restore(Map.of("kind", "plateau", "rate", 0.1, "badEpochs", 1.5)));
    }
}
