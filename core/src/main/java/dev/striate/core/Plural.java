package dev.striate.core;

/** "1 epoch", "2 epochs", "3 classes": counts with their noun, for messages. */
public final class Plural {
    private Plural() {
    }

    /** The count and the noun, with an s unless the count is 1. */
    public static String of(long count, String noun) {
        return of(count, noun, noun + "s");
    }

    /** The count and the noun's singular or plural ({@code class}, {@code classes}). */
    public static String of(long count, String singular, String plural) {
        return count + " " + (count == 1 ? singular : plural);
    }
}
