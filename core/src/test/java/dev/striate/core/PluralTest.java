package dev.striate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PluralTest {
    @Test
    void oneIsSingularAndOtherCountsArePlural() {
        assertEquals("1 epoch", Plural.of(1, "epoch"));
        assertEquals("0 epochs", Plural.of(0, "epoch"));
        assertEquals("2 epochs", Plural.of(2, "epoch"));
        assertEquals("1 class", Plural.of(1, "class", "classes"));
        assertEquals("3 classes", Plural.of(3, "class", "classes"));
        assertEquals("12 unreadable files", Plural.of(12, "unreadable file"));
    }
}
