package dev.striate.cli;

/** "1 epoch", "2 epochs": counts with their noun, for messages. */
final class Plural {
    private Plural() {
    }

    /** The count and the noun, with an s unless the count is 1 (nouns here take a plain s). */
    static String of(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
