package dev.striate.cuda.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The current context is set whenever a thread switches to another device, and only then. */
class CurrentContextTest {
    private final List<String> set = new ArrayList<>();

    private void use(String context) {
        CurrentContext.use(context, () -> set.add(context + " on " + Thread.currentThread().getName()));
    }

    @Test
    void aThreadAlternatingBetweenTwoDevicesSwitchesAtEveryChange() {
        String thread = Thread.currentThread().getName();
        String cuda0 = new String("cuda:0");
        String cuda1 = new String("cuda:1");
        use(cuda0);
        use(cuda0);
        use(cuda1);
        use(cuda0);
        use(cuda0);
        assertEquals(List.of("cuda:0 on " + thread, "cuda:1 on " + thread, "cuda:0 on " + thread), set);
    }

    @Test
    void eachThreadSetsItsOwn() throws InterruptedException {
        String cuda0 = new String("cuda:0");
        use(cuda0);
        Thread other = Thread.ofPlatform().name("other").start(() -> use(cuda0));
        other.join();
        use(cuda0);
        assertEquals(List.of("cuda:0 on " + Thread.currentThread().getName(), "cuda:0 on other"), set);
    }
}
