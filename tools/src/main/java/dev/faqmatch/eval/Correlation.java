package dev.faqmatch.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Rank and linear correlation as the published benchmarks compute them (scipy's {@code spearmanr}
 * and {@code pearsonr}): Spearman is Pearson over ranks, tied values sharing their average rank.
 * Ties matter here: a 0/1 label column is nothing but two tie groups.
 */
public final class Correlation {
    private Correlation() {}

    /** Spearman's rank correlation; NaN when either side is constant. */
    public static double spearman(double[] x, double[] y) {
        requireSameLength(x, y);
        return pearson(averageRanks(x), averageRanks(y));
    }

    /** Pearson's correlation; NaN when either side is constant. */
    public static double pearson(double[] x, double[] y) {
        requireSameLength(x, y);
        int n = x.length;
        double meanX = mean(x);
        double meanY = mean(y);
        // Centred sums: the one-pass formula loses digits when the means are large.
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - meanX;
            double dy = y[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) {
            return Double.NaN;
        }
        return Math.max(-1.0, Math.min(1.0, sxy / Math.sqrt(sxx * syy)));
    }

    /** Ranks from 1, ties getting the mean of the ranks they span. */
    public static double[] averageRanks(double[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[n];
        int start = 0;
        while (start < n) {
            int end = start + 1;
            while (end < n && values[order[end]] == values[order[start]]) {
                end++;
            }
            double rank = (start + 1 + end) / 2.0; // mean of ranks start+1 .. end
            for (int k = start; k < end; k++) {
                ranks[order[k]] = rank;
            }
            start = end;
        }
        return ranks;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    private static void requireSameLength(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("samples differ in length: " + x.length + " vs " + y.length);
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("correlation needs at least 2 samples, got " + x.length);
        }
    }
}
