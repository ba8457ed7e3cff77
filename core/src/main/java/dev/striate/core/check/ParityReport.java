package dev.striate.core.check;

import java.util.List;

/** Every tensor a parity check compared for one graph; it passes when every row does. */
public record ParityReport(String op, String caseName, List<ParityRow> rows) {
    public ParityReport {
        rows = List.copyOf(rows);
    }

    public boolean passed() {
        return rows.stream().allMatch(ParityRow::passed);
    }

    /** The row with the largest error (NaN counts as largest). */
    public ParityRow worst() {
        ParityRow worst = rows.getFirst();
        for (ParityRow row : rows) {
            if (!(row.maxRelError() <= worst.maxRelError())) {
                worst = row;
            }
        }
        return worst;
    }

    public List<ParityRow> failures() {
        return rows.stream().filter(row -> !row.passed()).toList();
    }
}
