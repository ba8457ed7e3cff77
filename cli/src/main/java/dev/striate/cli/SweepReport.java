package dev.striate.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** A sweep's trials as the table it prints and the {@code sweep.csv} it writes, best validation top-1 first. */
final class SweepReport {
    static final String CSV = "sweep.csv";

    private SweepReport() {
    }

    /** Best validation top-1 first; ties by trial number. */
    static List<SweepTrial> ranked(List<SweepTrial> trials) {
        return trials.stream().sorted(Comparator.comparingDouble(SweepTrial::bestTop1).reversed()
                .thenComparingInt(SweepTrial::number)).toList();
    }

    /** The seed's line for one trial: {@code val acc: 0.412000, lr: 1.405206e-04, (1 / 100)}. */
    static String line(SweepTrial trial, SearchSpace space, int trials) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "val acc: %.6f, ", trial.bestTop1()));
        for (SearchDimension dimension : space.dimensions()) {
            line.append(dimension.key()).append(": ").append(dimension.format(trial.values().get(dimension.key())))
                    .append(", ");
        }
        return line.append("(").append(trial.number()).append(" / ").append(trials).append(")").toString();
    }

    static String table(List<SweepTrial> trials, SearchSpace space) {
        List<String> header = new ArrayList<>(List.of("rank", "trial", "val acc"));
        space.dimensions().forEach(d -> header.add(d.key()));
        header.addAll(List.of("epochs", "status"));
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        int rank = 1;
        for (SweepTrial trial : ranked(trials)) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(rank++), Integer.toString(trial.number()),
                    String.format(Locale.ROOT, "%.6f", trial.bestTop1())));
            space.dimensions().forEach(d -> row.add(d.format(trial.values().get(d.key()))));
            row.add(Integer.toString(trial.epochs()));
            row.add(trial.status());
            rows.add(row);
        }
        int[] widths = new int[header.size()];
        for (List<String> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (List<String> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                table.append(c == 0 ? "" : "  ").append(String.format("%" + widths[c] + "s", row.get(c)));
            }
            table.append(System.lineSeparator());
        }
        return table.toString();
    }

    /** One row per trial in rank order: trial, best validation top-1, every searched value, epochs, status. */
    static String csv(List<SweepTrial> trials, SearchSpace space) {
        StringBuilder csv = new StringBuilder("trial,val_acc");
        space.dimensions().forEach(d -> csv.append(',').append(d.key()));
        csv.append(",epochs,status\n");
        for (SweepTrial trial : ranked(trials)) {
            csv.append(trial.number()).append(',').append(trial.bestTop1());
            space.dimensions().forEach(d -> csv.append(',').append(trial.values().get(d.key())));
            csv.append(',').append(trial.epochs()).append(',').append(trial.status()).append('\n');
        }
        return csv.toString();
    }
}
