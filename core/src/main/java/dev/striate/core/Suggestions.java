package dev.striate.core;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** "Did you mean" hints: the closest valid name by edit distance, when it is close enough to be a likely typo. */
public final class Suggestions {
    private Suggestions() {
    }

    /** The nearest of {@code candidates} to {@code given}, or null when none is within a third of its length. */
    public static String nearest(String given, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lowered = given.toLowerCase(Locale.ROOT);
        int limit = Math.max(2, given.length() / 3);
        for (String candidate : candidates) {
            // The distance is at least the difference in length: skip the quadratic work when that rules it out.
            if (Math.abs(candidate.length() - given.length()) > limit) {
                continue;
            }
            int distance = distance(lowered, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= limit ? best : null;
    }

    /** Up to {@code limit} of {@code candidates}, nearest to {@code given} first (ties in the candidates' order). */
    public static List<String> closest(String given, Collection<String> candidates, int limit) {
        String lowered = given.toLowerCase(Locale.ROOT);
        return candidates.stream()
                .sorted(Comparator.comparingInt(candidate -> distance(lowered, candidate.toLowerCase(Locale.ROOT))))
                .limit(limit).toList();
    }

    /** " (did you mean 'x'?)" or an empty string. */
    public static String didYouMean(String given, Collection<String> candidates) {
        String nearest = nearest(given, candidates);
        return nearest == null ? "" : " (did you mean '" + nearest + "'?)";
    }

    /** Levenshtein distance with adjacent transpositions counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
