package dev.striate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line of progress, made to fit a width (80 columns, less one so that a terminal never wraps it): the task, a
 * bar, batches done, the running loss and accuracy, the speed (images per second, and seconds per batch when a batch
 * takes over a second), and elapsed time with the time left. Where space runs short the bar narrows first, then
 * the time, then the speed go; the task, the count, loss and accuracy always stay.
 *
 * @param task      {@code epoch 3/10} or {@code validation}
 * @param metrics   {@code loss 0.1234 acc 0.9876}, or empty
 * @param imagesPerSecond NaN before the first batch has finished
 */
record ProgressLine(String task, int done, int total, String metrics, double imagesPerSecond,
                    double secondsPerBatch, double elapsedSeconds, double secondsLeft) {
    static final int WIDTH = 79;
    /** Wide enough to see progress, narrow enough that a typical line keeps its clock in 80 columns. */
    private static final int WIDEST_BAR = 12;
    private static final int NARROWEST_BAR = 6;

    String render(int width) {
        List<String> optional = new ArrayList<>();
        optional.add(speed());
        optional.add(time());
        while (true) {
            String fixed = fixed(optional);
            int room = width - fixed.length() - 3;
            if (room >= NARROWEST_BAR || optional.isEmpty()) {
                int inner = Math.max(0, Math.min(WIDEST_BAR, room));
                String line = task + " " + bar(inner) + fixed.substring(task.length() + 1);
                return line.length() <= width ? line : line.substring(0, width);
            }
            optional.removeLast();
        }
    }

    private String fixed(List<String> optional) {
        StringBuilder text = new StringBuilder(task);
        text.append(' ').append(done).append('/').append(total);
        if (!metrics.isEmpty()) {
            text.append("  ").append(metrics);
        }
        for (String part : optional) {
            if (!part.isEmpty()) {
                text.append("  ").append(part);
            }
        }
        return text.toString();
    }

    private String bar(int inner) {
        if (inner == 0) {
            return "";
        }
        int filled = total == 0 ? inner : (int) ((long) inner * done / total);
        return "[" + "#".repeat(filled) + ".".repeat(inner - filled) + "] ";
    }

    private String speed() {
        if (Double.isNaN(imagesPerSecond)) {
            return "";
        }
        String rate = String.format(Locale.ROOT, "%.0f img/s", imagesPerSecond);
        return secondsPerBatch > 1 ? rate + String.format(Locale.ROOT, " %.1f s/batch", secondsPerBatch) : rate;
    }

    private String time() {
        return Double.isNaN(secondsLeft) ? clock(elapsedSeconds) : clock(elapsedSeconds) + "<" + clock(secondsLeft);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
