package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.faqmatch.inference.Vectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A micro-batch's queries searched together find what each finds alone, on one thread and in
 * parallel, and both find what the collapse rule, written out naively here, says: an entry scores
 * its best phrasing moved a fifth of the way towards its second best, a counter-example closer than
 * its best phrasing vetoes it, out-of-scope entries are reported apart.
 */
class FaqIndexBatchTest {
    private record Bank(FaqIndex index, List<float[]> vectors) {}

    /** Entries with 0-4 similar questions and 0-2 counter-examples; one in ten out of scope. */
    private static Bank randomBank(int n, int dim, Random random) {
        List<FaqEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> similar = new ArrayList<>();
            for (int s = random.nextInt(5); s > 0; s--) {
                similar.add("s" + i + "-" + s);
            }
            List<String> not = new ArrayList<>();
            for (int s = random.nextInt(3); s > 0; s--) {
                not.add("n" + i + "-" + s);
            }
            entries.add(new FaqEntry("f-" + i, "q" + i, "a" + i, List.of(), similar, not,
                    i % 10 == 9 ? FaqEntry.Kind.OUT_OF_SCOPE : FaqEntry.Kind.FAQ));
        }
        List<float[]> vectors = new ArrayList<>();
        int rows = FaqIndex.rowTexts(entries).size();
        for (int row = 0; row < rows; row++) {
            vectors.add(Vectors.l2NormalizeInPlace(randomVector(dim, random)));
        }
        // The exhaustive search at every size: the graph search of large banks has its own test (FaqIndexGraphTest).
        return new Bank(FaqIndex.of(entries, vectors, dim, Integer.MAX_VALUE), vectors);
    }

    private static float[] randomVector(int dim, Random random) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    /** The rule, one entry at a time. */
    private static BankHits naive(Bank bank, float[] query, int k) {
        float[] q = Vectors.l2NormalizeInPlace(query.clone());
        List<ScoredFaq> answerable = new ArrayList<>();
        ScoredFaq oos = null;
        int row = 0;
        for (FaqEntry e : bank.index().entries()) {
            float best = Float.NEGATIVE_INFINITY;
            String text = null;
            List<Float> scores = new ArrayList<>();
            for (String p : e.phrasings()) {
                float s = dot(bank.vectors().get(row++), q);
                scores.add(s);
                if (s > best) {
                    best = s;
                    text = p;
                }
            }
            scores.sort(Comparator.reverseOrder());
            float score = scores.size() == 1 ? best : best + 0.2f * (scores.get(1) - best);
            float worst = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < e.notSimilar().size(); i++) {
                worst = Math.max(worst, dot(bank.vectors().get(row++), q));
            }
            if (worst > best) {
                continue;
            }
            ScoredFaq scored = new ScoredFaq(e, score, text);
            if (e.outOfScope()) {
                oos = oos == null || score > oos.score() ? scored : oos;
            } else {
                answerable.add(scored);
            }
        }
        answerable.sort(Comparator.comparingDouble(s -> -s.score()));
        return new BankHits(answerable.subList(0, Math.min(k, answerable.size())), oos);
    }

    private static float dot(float[] a, float[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) {
            s += a[d] * b[d];
        }
        return (float) s;
    }

    private static void batchEqualsSingleEqualsTheRule(int entries) {
        Random random = new Random(entries);
        int dim = 48;
        Bank bank = randomBank(entries, dim, random);
        int nq = 11; // two groups of four and a remainder of three
        float[][] queries = new float[nq][];
        int[] ks = new int[nq];
        for (int i = 0; i < nq; i++) {
            queries[i] = randomVector(dim, random);
            ks[i] = 1 + i % 5;
        }
        List<BankHits> batch = bank.index().search(queries, ks);
        for (int i = 0; i < nq; i++) {
            BankHits single = bank.index().search(queries[i], ks[i]);
            BankHits expected = naive(bank, queries[i], ks[i]);
            for (BankHits got : List.of(batch.get(i), single)) {
                assertThat(got.matches()).hasSize(ks[i]);
                for (int j = 0; j < ks[i]; j++) {
                    ScoredFaq g = got.matches().get(j);
                    ScoredFaq e = expected.matches().get(j);
                    assertThat(g.entry().id()).as("query %d rank %d", i, j).isEqualTo(e.entry().id());
                    assertThat(g.matchedText()).isEqualTo(e.matchedText());
                    assertThat(g.score()).isCloseTo(e.score(), within(1e-5f));
                }
                assertThat(got.outOfScope().entry().id()).isEqualTo(expected.outOfScope().entry().id());
                assertThat(got.outOfScope().score()).isCloseTo(expected.outOfScope().score(), within(1e-5f));
            }
        }
    }

    @Test
    void oneThreadWithAnOddNumberOfRows() {
        batchEqualsSingleEqualsTheRule(401);
    }

    @Test
    void rangesOfWholeEntriesSearchedInParallel() {
        batchEqualsSingleEqualsTheRule(15_001); // ~60,000 rows
    }

    @Test
    void anEmptyIndexFindsNothing() {
        BankHits hits = FaqIndex.empty(4).search(new float[][] {{1, 0, 0, 0}}, new int[] {3}).get(0);
        assertThat(hits.matches()).isEmpty();
        assertThat(hits.outOfScope()).isNull();
        assertThat(hits.best()).isNaN();
    }
}
