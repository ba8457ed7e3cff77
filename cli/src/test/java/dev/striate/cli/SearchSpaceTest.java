package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.UserException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {
    private static final String SEARCH = "lr=1e-6:1e-3:log,momentum=0.5:0.99,batch=16:128,optimizer=sgd|adam|rmsprop";

    @Test
    void drawsStayInTheirRangesAndTheSameSeedDrawsTheSameTrials() {
        SearchSpace space = SearchSpace.parse(SEARCH);
        List<Map<String, String>> draws = space.draw(7, 200);
        Set<String> optimizers = new HashSet<>();
        int belowOneMillionth = 0;
        for (Map<String, String> trial : draws) {
            double lr = Double.parseDouble(trial.get("lr"));
            assertTrue(lr >= 1e-6 && lr <= 1e-3, "lr " + lr);
            if (lr < 1e-5) {
                belowOneMillionth++;
            }
            double momentum = Double.parseDouble(trial.get("momentum"));
            assertTrue(momentum >= 0.5 && momentum <= 0.99, "momentum " + momentum);
            int batch = Integer.parseInt(trial.get("batch"));
            assertTrue(batch >= 16 && batch <= 128, "batch " + batch);
            optimizers.add(trial.get("optimizer"));
        }
        // Log space: a third of the draws fall in the lowest of the three decades (about 67 of 200).
        assertTrue(belowOneMillionth > 40 && belowOneMillionth < 95, belowOneMillionth + " of 200 below 1e-5");
        assertEquals(Set.of("sgd", "adam", "rmsprop"), optimizers);
        assertEquals(draws, space.draw(7, 200));
        assertEquals(draws.subList(0, 5), space.draw(7, 5), "more trials leave the first ones as they were");
        assertNotEquals(draws, space.draw(8, 200));
    }

    @Test
    void rangeEndsMayComeInEitherOrderAsInTheCourse() {
        SearchDimension lr = SearchSpace.parse("lr=1e-3:1e-6:log").dimensions().getFirst();
        assertEquals(1e-6, lr.low(), 0);
        assertEquals(1e-3, lr.high(), 0);
        assertEquals(SearchDimension.Kind.LOG, lr.kind());
    }

    @Test
    void mistakesNameTheEntryAtFault() {
        assertMessage("lr=0:1:log", "a log range needs ends above 0");
        assertMessage("lr=1e-3", "a range is LOW:HIGH");
        assertMessage("lr=1:1", "two different finite ends");
        assertMessage("learning-rate=1:2", "'learning-rate' is not a setting of train");
        assertMessage("epochs=1:5", "'epochs' is the same for every trial");
        assertMessage("optimizer=1:2", "a range needs a numeric setting");
        assertMessage("lr=1e-4:1e-2,lr=1:2", "names 'lr' twice");
        assertMessage("batch=32|abc", "--batch must be a whole number");
    }

    private static void assertMessage(String search, String part) {
        UserException e = assertThrows(UserException.class, () -> SearchSpace.parse(search).draw(0, 3));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
