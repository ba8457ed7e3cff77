package dev.striate.core.optim;

import dev.striate.core.UserException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Learning-rate schedules from {@code --schedule} text. */
public final class Schedules {
    public static final String FORMS = "constant, step:EPOCHS[:GAMMA], multistep:EPOCH,EPOCH,...[:GAMMA],"
            + " exponential:GAMMA, cosine[:MIN_LR], plateau[:FACTOR[:PATIENCE]]";
    /** PyTorch's defaults for StepLR, MultiStepLR and ReduceLROnPlateau. */
    static final double DEFAULT_GAMMA = 0.1;
    static final double DEFAULT_PLATEAU_FACTOR = 0.1;
    static final int DEFAULT_PLATEAU_PATIENCE = 10;

    private Schedules() {
    }

    /**
     * The schedule {@code text} names, starting from {@code baseLr}, for a run of {@code epochs}; with
     * {@code warmupEpochs} above 0 it is wrapped in a {@link WarmupSchedule}. Forms: {@value #FORMS}. GAMMA defaults
     * to 0.1; cosine anneals to MIN_LR (default 0) over all epochs; plateau multiplies by FACTOR (default 0.1) after
     * more than PATIENCE (default 10) epochs without a better validation accuracy.
     */
    public static LearningRateSchedule parse(String text, double baseLr, int epochs, int warmupEpochs) {
        if (!(baseLr > 0) || Double.isInfinite(baseLr)) {
            throw new UserException("--lr must be a positive number, got " + baseLr);
        }
        if (epochs < 1) {
            throw new UserException("--epochs must be at least 1, got " + epochs);
        }
        if (warmupEpochs < 0 || warmupEpochs > epochs) {
            throw new UserException("--warmup-epochs must be between 0 and --epochs (" + epochs + "), got "
                    + warmupEpochs);
        }
        LearningRateSchedule schedule = parseKind(text, baseLr, epochs);
        return warmupEpochs > 0 ? new WarmupSchedule(schedule, warmupEpochs) : schedule;
    }

    private static LearningRateSchedule parseKind(String text, double baseLr, int epochs) {
        String[] parts = text.strip().split(":", -1);
        Reader reader = new Reader(text, parts);
        return switch (parts[0].toLowerCase(Locale.ROOT)) {
            case "constant" -> {
                reader.requireFields(0, 0);
                yield new ConstantSchedule(baseLr);
            }
            case "step" -> {
                reader.requireFields(1, 2);
                yield new StepSchedule(baseLr, reader.positiveWhole(1, "EPOCHS"), reader.gamma(2));
            }
            case "multistep" -> {
                reader.requireFields(1, 2);
                yield new MultiStepSchedule(baseLr, reader.milestones(1), reader.gamma(2));
            }
            case "exponential" -> {
                reader.requireFields(1, 1);
                yield new ExponentialSchedule(baseLr, reader.gamma(1));
            }
            case "cosine" -> {
                reader.requireFields(0, 1);
                double minLr = parts.length > 1 ? reader.number(1, "MIN_LR") : 0;
                if (!(minLr >= 0 && minLr < baseLr)) {
                    throw reader.fault("MIN_LR must be at least 0 and below --lr " + baseLr);
                }
                yield new CosineSchedule(baseLr, minLr, epochs);
            }
            case "plateau" -> {
                reader.requireFields(0, 2);
                double factor = parts.length > 1 ? reader.number(1, "FACTOR") : DEFAULT_PLATEAU_FACTOR;
                if (!(factor > 0 && factor < 1)) {
                    throw reader.fault("FACTOR must be between 0 and 1");
                }
                int patience = parts.length > 2 ? reader.whole(2, "PATIENCE") : DEFAULT_PLATEAU_PATIENCE;
                yield new PlateauSchedule(baseLr, factor, patience);
            }
            default -> throw reader.fault("unknown kind '" + parts[0] + "'");
        };
    }

    /** Reads the colon-separated fields of one {@code --schedule} text, with errors that quote it. */
    private record Reader(String text, String[] parts) {
        void requireFields(int least, int most) {
            int fields = parts.length - 1;
            if (fields < least || fields > most) {
                String expected = least == most ? least + "" : least + " to " + most;
                throw fault(parts[0] + " takes " + expected + " value(s) after its name, got " + fields);
            }
        }

        double number(int index, String what) {
            String field = parts[index].strip();
            double value;
            try {
                value = Double.parseDouble(field);
            } catch (NumberFormatException e) {
                throw fault(what + " '" + field + "' is not a number");
            }
            if (!Double.isFinite(value)) {
                throw fault(what + " '" + field + "' is not a finite number");
            }
            return value;
        }

        int whole(int index, String what) {
            String field = parts[index].strip();
            int value;
            try {
                value = Integer.parseInt(field);
            } catch (NumberFormatException e) {
                throw fault(what + " '" + field + "' is not a whole number");
            }
            if (value < 0) {
                throw fault(what + " must be at least 0");
            }
            return value;
        }

        int positiveWhole(int index, String what) {
            int value = whole(index, what);
            if (value < 1) {
                throw fault(what + " must be at least 1");
            }
            return value;
        }

        double gamma(int index) {
            if (index >= parts.length) {
                return DEFAULT_GAMMA;
            }
            double gamma = number(index, "GAMMA");
            if (!(gamma > 0)) {
                throw fault("GAMMA must be above 0");
            }
            return gamma;
        }

        List<Integer> milestones(int index) {
            List<Integer> milestones = new ArrayList<>();
            for (String milestone : parts[index].split(",", -1)) {
                try {
                    milestones.add(Integer.parseInt(milestone.strip()));
                } catch (NumberFormatException e) {
                    throw fault("milestone '" + milestone + "' is not a whole number");
                }
            }
            for (int i = 0; i < milestones.size(); i++) {
                if (milestones.get(i) < 1 || i > 0 && milestones.get(i) <= milestones.get(i - 1)) {
                    throw fault("milestones must be epochs of at least 1 in increasing order");
                }
            }
            return milestones;
        }

        UserException fault(String reason) {
            return new UserException("--schedule '" + text + "': " + reason + "; valid forms: " + FORMS);
        }
    }
}
