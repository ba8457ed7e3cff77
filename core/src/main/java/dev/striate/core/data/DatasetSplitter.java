package dev.striate.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Training and validation parts of a data source: its own val part, or a fraction of train held out per class. */
final class DatasetSplitter {
    private DatasetSplitter() {
    }

    /**
     * Holds out {@code valSplit} of each class (rounded, at least one image left for training) for validation,
     * chosen by a shuffle seeded from {@code seed}: the same split for the same seed. Both parts keep the
     * original order.
     */
    static DatasetSplits split(Dataset all, double valSplit, long seed) {
        checkFraction(valSplit);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k < all.classes().size(); k++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < all.size(); i++) {
            byClass.get(all.label(i)).add(i);
        }
        boolean[] held = new boolean[all.size()];
        for (int k = 0; k < byClass.size(); k++) {
            List<Integer> members = byClass.get(k);
            int[] shuffled = members.stream().mapToInt(Integer::intValue).toArray();
            Loader.shuffle(shuffled, Seeds.mix(seed, Seeds.SPLIT, k));
            int valCount = Math.min((int) Math.round(members.size() * valSplit), members.size() - 1);
            for (int j = 0; j < valCount; j++) {
                held[shuffled[j]] = true;
            }
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        for (int i = 0; i < held.length; i++) {
            (held[i] ? val : train).add(i);
        }
        return new DatasetSplits(new SubsetDataset(all, train.stream().mapToInt(Integer::intValue).toArray()),
                new SubsetDataset(all, val.stream().mapToInt(Integer::intValue).toArray()));
    }

    /** The source's own train and val parts, or {@code valSplit} of its training images held out. */
    static DatasetSplits splits(DataSource source, double valSplit, long seed) {
        Map<String, Dataset> parts = source.splits();
        if (!parts.containsKey("train") && !parts.containsKey("all")) {
            throw new DatasetException(source.location() + " has only a val/ folder, nothing to train on: add "
                    + "train/<class>/ folders beside it (a val/ folder alone is for striate eval)");
        }
        if (parts.containsKey("val")) {
            return new DatasetSplits(parts.get("train"), parts.get("val"));
        }
        if (!(valSplit > 0)) {
            String what = switch (source.layout()) {
                case IDX -> "IDX folder " + source.location() + " has no t10k-* files for validation";
                case TRAIN_VAL -> source.location() + " has train/ but no val/ folder";
                case CLASS_FOLDERS -> source.location() + " has no train/ and val/ folders";
            };
            throw new DatasetException(what + ": pass --val-split F (0 < F < 1) to hold out a fraction of the "
                    + "images for validation");
        }
        return split(parts.containsKey("train") ? parts.get("train") : parts.get("all"), valSplit, seed);
    }

    private static void checkFraction(double valSplit) {
        if (!(valSplit > 0 && valSplit < 1)) {
            throw new DatasetException("--val-split must be a fraction between 0 and 1 (exclusive), got " + valSplit);
        }
    }
}
