package dev.striate.core.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.striate.core.UserException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code RUN_DIR/metrics.jsonl} (one JSON object per epoch) and {@code RUN_DIR/metrics.csv} (the same rows with a
 * header). Rows are appended as epochs end; a resumed run first drops the rows of epochs its checkpoint does not
 * cover, so an epoch that is trained again is not listed twice.
 */
public final class MetricsLog {
    public static final String JSONL = "metrics.jsonl";
    public static final String CSV = "metrics.csv";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jsonl;
    private final Path csv;

    public MetricsLog(Path runDirectory) {
        this.jsonl = runDirectory.resolve(JSONL);
        this.csv = runDirectory.resolve(CSV);
    }

    /** Every row written so far, in order; none when the file does not exist yet. */
    public List<EpochMetrics> read() {
        List<EpochMetrics> rows = new ArrayList<>();
        if (!Files.exists(jsonl)) {
            return rows;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(jsonl).stream().filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            throw new UserException("cannot read " + jsonl + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            try {
                rows.add(JSON.readValue(lines.get(i), EpochMetrics.class));
            } catch (JsonProcessingException e) {
                // A kill while appending can cut the last line short; the rows before it are whole.
                if (i < lines.size() - 1) {
                    throw new UserException(jsonl + " line " + (i + 1) + " is damaged (" + e.getOriginalMessage()
                            + "); move the file away to go on");
                }
            }
        }
        return rows;
    }

    /** Keeps the rows of the first {@code epochs} epochs and drops the rest, rewriting both files. */
    public List<EpochMetrics> keepFirst(int epochs) throws IOException {
        List<EpochMetrics> kept = read().stream().filter(row -> row.epoch() <= epochs).toList();
        StringBuilder lines = new StringBuilder();
        StringBuilder table = new StringBuilder(EpochMetrics.CSV_HEADER).append('\n');
        for (EpochMetrics row : kept) {
            lines.append(JSON.writeValueAsString(row)).append('\n');
            table.append(row.csvRow()).append('\n');
        }
        replace(jsonl, lines.toString());
        replace(csv, table.toString());
        return kept;
    }

    /**
     * Appends one epoch's row to both files, or, when a write fails (the disk is full), leaves both as they were:
     * a cut row is cut off again.
     */
    public void append(EpochMetrics row) throws IOException {
        long jsonlSize = Files.exists(jsonl) ? Files.size(jsonl) : 0;
        long csvSize = Files.exists(csv) ? Files.size(csv) : 0;
        String csvText = (csvSize == 0 ? EpochMetrics.CSV_HEADER + "\n" : "") + row.csvRow() + "\n";
        try {
            Files.writeString(jsonl, JSON.writeValueAsString(row) + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            Files.writeString(csv, csvText, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            cutBack(jsonl, jsonlSize, e);
            cutBack(csv, csvSize, e);
            throw e;
        }
    }

    /** Truncates {@code file} to {@code size}, or deletes it when it did not exist before (size 0). */
    private static void cutBack(Path file, long size, IOException failure) {
        try {
            if (size == 0) {
                Files.deleteIfExists(file);
            } else if (Files.exists(file)) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(size);
                }
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static void replace(Path file, String text) throws IOException {
        AtomicFile.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
