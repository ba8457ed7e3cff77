package dev.striate.core.check;

/**
 * One compared tensor of a parity check: {@code what} names it ({@code output conv}, {@code gradient x},
 * {@code gradient op.weight}, {@code buffer bn.running_mean}); the worst element's index and both values, so a
 * failure says exactly where the candidate backend went wrong.
 */
public record ParityRow(String what, double maxRelError, int worstIndex, double expected, double actual,
                        boolean passed) {
}
