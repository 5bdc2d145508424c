package dev.faqmatch.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {

    @Test
    void everyTextIsInExactlyOneRunAndRunsAreSortedByLength() {
        int[] lengths = {30, 8, 12, 9, 31, 12, 50, 10};
        List<int[]> runs = LengthBuckets.plan(lengths, 8);
        List<Integer> all = new ArrayList<>();
        int previousLongest = 0;
        for (int[] run : runs) {
            for (int k = 0; k < run.length; k++) {
                all.add(run[k]);
                if (k > 0) {
                    assertThat(lengths[run[k]]).isGreaterThanOrEqualTo(lengths[run[k - 1]]);
                }
            }
            assertThat(lengths[run[0]]).isGreaterThanOrEqualTo(previousLongest);
            previousLongest = lengths[run[run.length - 1]];
        }
        assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void aHugeRunCostKeepsOneRunAndNoRunCostSplitsEveryLength() {
        int[] lengths = {5, 9, 5, 20, 9};
        assertThat(LengthBuckets.plan(lengths, Integer.MAX_VALUE / 4)).hasSize(1);
        assertThat(LengthBuckets.plan(lengths, 0)).hasSize(3);
    }

    @Test
    void thePlanIsNeverWorseThanOnePaddedRunAndMatchesBruteForce() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(9);
            int[] lengths = new int[n];
            for (int i = 0; i < n; i++) {
                lengths[i] = 3 + random.nextInt(60);
            }
            int runCost = random.nextInt(20);
            long planned = cost(lengths, LengthBuckets.plan(lengths, runCost), runCost);
            assertThat(planned).isLessThanOrEqualTo(runCost + LengthBuckets.paddedCost(lengths));
            assertThat(planned).isEqualTo(bruteForce(lengths, runCost));
        }
    }

    private static long cost(int[] lengths, List<int[]> runs, int runCost) {
        long total = 0;
        for (int[] run : runs) {
            int[] l = new int[run.length];
            for (int k = 0; k < run.length; k++) {
                l[k] = lengths[run[k]];
            }
            total += runCost + LengthBuckets.paddedCost(l);
        }
        return total;
    }

    /** Contiguous cuts of the sorted lengths, every one of them tried. */
    private static long bruteForce(int[] lengths, int runCost) {
        int[] sorted = lengths.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        long best = Long.MAX_VALUE;
        for (int mask = 0; mask < 1 << (n - 1); mask++) {
            long total = 0;
            int start = 0;
            for (int i = 0; i < n; i++) {
                boolean cut = i == n - 1 || (mask >> i & 1) == 1;
                if (cut) {
                    total += runCost + (long) (i - start + 1) * sorted[i];
                    start = i + 1;
                }
            }
            best = Math.min(best, total);
        }
        return best;
    }
}
