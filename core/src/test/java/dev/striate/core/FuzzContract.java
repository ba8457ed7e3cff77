package dev.striate.core;

/** What every fuzz test checks of the user error an input ended in: a message of one line. */
public final class FuzzContract {
    private FuzzContract() {
    }

    public static void requireOneLine(UserException e) {
        if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")) {
            throw new AssertionError("a user error must be one line, got: " + e.getMessage(), e);
        }
    }
}
