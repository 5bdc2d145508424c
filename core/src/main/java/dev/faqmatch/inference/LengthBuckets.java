package dev.faqmatch.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a batch into runs of similar length. A model run costs about (texts x padded length)
 * token-steps plus a fixed per-run overhead; short questions padded to the batch's longest one
 * waste most of a batch's work (ATEC questions: median 14 tokens, the longest of 32 often 30+).
 * Sorting by length and cutting where the padding saved outweighs one more run's overhead keeps
 * nearly all of a full batch's per-run savings without its padding.
 */
public final class LengthBuckets {
    /**
     * The cost of one more run in padding tokens of one text. Measured with the bench tool
     * ({@code deploy/bench.sh --run-costs 0,1,2,4,8,16,32,1000000}: ATEC questions in batches of
     * 32, bge-small-zh-v1.5, one intra-op thread, texts per CPU-second): 0 (a run per distinct
     * length) 153-166, 2 229-256, 8 287-293, 32 271-281, one padded run per batch 125-156. Small
     * runs lose more to ONNX Runtime's per-run work and narrow matrix products than padding costs.
     */
    public static final int DEFAULT_RUN_COST = 8;

    private LengthBuckets() {}

    /**
     * Groups of indices into {@code lengths}, each group sorted by length, that minimize
     * sum over groups of (runCost + size x longest) (an exact dynamic program over the sorted
     * lengths; O(n^2) for n texts, microseconds for batches of hundreds).
     *
     * @param runCost the fixed cost of one model run, in token-steps; 0 puts every distinct
     *     length in its own run, a huge value keeps one run
     */
    public static List<int[]> plan(int[] lengths, int runCost) {
        int n = lengths.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(lengths[a], lengths[b]));
        // best[j]: cheapest cost of the j shortest texts; cut[j]: where the last group of them starts
        long[] best = new long[n + 1];
        int[] cut = new int[n + 1];
        for (int j = 1; j <= n; j++) {
            long longest = lengths[order[j - 1]];
            best[j] = Long.MAX_VALUE;
            // from the largest last group down, so that a tie keeps fewer runs
            for (int i = 0; i < j; i++) {
                long cost = best[i] + runCost + (j - i) * longest;
                if (cost < best[j]) {
                    best[j] = cost;
                    cut[j] = i;
                }
            }
        }
        List<int[]> groups = new ArrayList<>();
        for (int j = n; j > 0; j = cut[j]) {
            int from = cut[j];
            int[] group = new int[j - from];
            for (int k = 0; k < group.length; k++) {
                group[k] = order[from + k];
            }
            groups.add(0, group);
        }
        return groups;
    }

    /** Token-steps of running {@code lengths} as one batch padded to its longest. */
    public static long paddedCost(int[] lengths) {
        int longest = 0;
        for (int l : lengths) {
            longest = Math.max(longest, l);
        }
        return (long) longest * lengths.length;
    }
}
