package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A micro-batch's queries searched together find what each finds alone, on one thread and in parallel. */
class FaqIndexBatchTest {
    private static FaqIndex randomIndex(int n, int dim, Random random) {
        List<FaqEntry> entries = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(new FaqEntry("f-" + i, "q" + i, "a" + i, List.of()));
            vectors.add(randomVector(dim, random));
        }
        return FaqIndex.of(entries, vectors, dim);
    }

    private static float[] randomVector(int dim, Random random) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    private static void batchEqualsSingle(int entries) {
        Random random = new Random(entries);
        int dim = 48;
        FaqIndex index = randomIndex(entries, dim, random);
        int nq = 11; // two groups of four and a remainder of three
        float[][] queries = new float[nq][];
        int[] ks = new int[nq];
        for (int i = 0; i < nq; i++) {
            queries[i] = randomVector(dim, random);
            ks[i] = 1 + i % 5;
        }
        List<List<ScoredFaq>> batch = index.topK(queries, ks);
        for (int i = 0; i < nq; i++) {
            List<ScoredFaq> single = index.topK(queries[i], ks[i]);
            assertThat(batch.get(i)).hasSize(ks[i]);
            for (int j = 0; j < ks[i]; j++) {
                assertThat(batch.get(i).get(j).entry().id()).as("query %d rank %d", i, j).isEqualTo(single.get(j).entry().id());
                assertThat(batch.get(i).get(j).score()).isCloseTo(single.get(j).score(), within(1e-5f));
            }
        }
    }

    @Test
    void oneThreadWithAnOddNumberOfRows() {
        batchEqualsSingle(1_001);
    }

    @Test
    void rowRangesSearchedInParallel() {
        batchEqualsSingle(45_003);
    }

    @Test
    void anEmptyIndexFindsNothing() {
        assertThat(FaqIndex.empty(4).topK(new float[][] {{1, 0, 0, 0}}, new int[] {3}).get(0)).isEmpty();
    }
}
