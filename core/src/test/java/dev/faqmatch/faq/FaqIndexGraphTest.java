package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The graph search of large banks ({@link FaqIndex#of(List, List, int, int)} with a low threshold)
 * against the exhaustive one: the graph may miss entries, never change the rules.
 */
class FaqIndexGraphTest {
    private static final int DIM = 16;

    @Test
    void whenTheGraphFindsEveryRowItGivesTheExhaustiveResultsVetoesTiesAndOutOfScopeIncluded() {
        // Every component +-1/4: int8 holds these vectors exactly, and their cosines are multiples
        // of 1/16, so ties between entries are frequent and must keep the bank's order.
        Random random = new Random(7);
        List<FaqEntry> entries = new ArrayList<>();
        for (int e = 0; e < 24; e++) {
            List<String> similar = e % 2 == 0 ? List.of("s" + e) : List.of();
            List<String> notSimilar = e % 3 == 0 ? List.of("n" + e) : List.of();
            entries.add(new FaqEntry("e" + e, "q" + e, "", List.of(), similar, notSimilar,
                    e % 8 == 7 ? FaqEntry.Kind.OUT_OF_SCOPE : FaqEntry.Kind.FAQ));
        }
        List<float[]> vectors = new ArrayList<>();
        for (String ignored : FaqIndex.rowTexts(entries)) {
            vectors.add(signs(random));
        }
        FaqIndex exact = FaqIndex.of(entries, vectors, DIM);
        FaqIndex graph = FaqIndex.of(entries, vectors, DIM, 0);
        assertThat(exact.approximate()).isFalse();
        assertThat(graph.approximate()).isTrue();
        assertThat(graph.rows()).as("fewer rows than the graph is asked for").isLessThan(100);
        int vetoed = 0;
        for (int i = 0; i < 200; i++) {
            float[] question = signs(random);
            BankHits want = exact.search(question, 5);
            BankHits got = graph.search(question, 5);
            assertSame(got.matches(), want.matches());
            assertSame(got.outOfScope() == null ? List.of() : List.of(got.outOfScope()),
                    want.outOfScope() == null ? List.of() : List.of(want.outOfScope()));
            vetoed += exact.search(question, entries.size()).matches().size() < 21 ? 1 : 0;
        }
        assertThat(vetoed).as("questions where some entry was vetoed").isPositive();
    }

    @Test
    void onAClusteredBankTheGraphFindsTheExactTopTenWithTheExactScores() {
        Random random = new Random(11);
        List<FaqEntry> entries = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<float[]> centres = new ArrayList<>();
        for (int e = 0; e < 1_500; e++) {
            float[] centre = around(random, null, 1);
            centres.add(centre);
            entries.add(new FaqEntry("e" + e, "q" + e, "", List.of(), List.of("a" + e, "b" + e, "c" + e),
                    List.of("n" + e), FaqEntry.Kind.FAQ));
            for (int p = 0; p < 4; p++) {
                vectors.add(around(random, centre, 0.6));
            }
            vectors.add(around(random, centre, 0.9)); // the counter-example, further out
        }
        FaqIndex exact = FaqIndex.of(entries, vectors, DIM);
        FaqIndex graph = FaqIndex.of(entries, vectors, DIM, 0);
        int found = 0;
        int wanted = 0;
        for (int i = 0; i < 200; i++) {
            float[] question = around(random, centres.get(random.nextInt(centres.size())), 0.8);
            List<ScoredFaq> want = exact.search(question, 10).matches();
            Map<String, Float> exactScore = new HashMap<>();
            for (ScoredFaq s : exact.search(question, entries.size()).matches()) {
                exactScore.put(s.entry().id(), s.score());
            }
            Set<String> got = new HashSet<>();
            for (ScoredFaq s : graph.search(question, 10).matches()) {
                got.add(s.entry().id());
                assertThat(exactScore).as("a vetoed entry stays vetoed").containsKey(s.entry().id());
                assertThat(s.score()).as("int8 rows: the exact score within rounding")
                        .isCloseTo(exactScore.get(s.entry().id()), within(0.01f));
            }
            for (ScoredFaq s : want) {
                wanted++;
                found += got.contains(s.entry().id()) ? 1 : 0;
            }
        }
        assertThat((double) found / wanted).as("recall@10").isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void aLargeBankTakesAQuarterOfTheMemoryPlusItsGraph() {
        Random random = new Random(3);
        List<FaqEntry> entries = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int e = 0; e < 2_000; e++) {
            entries.add(new FaqEntry("e" + e, "q" + e, "", List.of()));
            vectors.add(around(random, null, 1));
        }
        FaqIndex exact = FaqIndex.of(entries, vectors, DIM);
        FaqIndex graph = FaqIndex.of(entries, vectors, DIM, 0);
        assertThat(exact.matrixBytes()).isEqualTo(2_000L * DIM * Float.BYTES);
        assertThat(graph.matrixBytes()).as("int8 rows in chunks of 65,536, a float scale each, and the graph")
                .isGreaterThan(65_536L * (DIM + Float.BYTES));
        assertThat(graph.vector(5)).as("a row read back, for reuse at a rebuild")
                .containsExactly(exact.vector(5), within(0.01f));
    }

    private static void assertSame(List<ScoredFaq> got, List<ScoredFaq> want) {
        assertThat(got).extracting(s -> s.entry().id()).containsExactlyElementsOf(
                want.stream().map(s -> s.entry().id()).toList());
        for (int j = 0; j < want.size(); j++) {
            assertThat(got.get(j).matchedText()).isEqualTo(want.get(j).matchedText());
            assertThat(got.get(j).score()).isCloseTo(want.get(j).score(), within(1e-5f));
        }
    }

    private static float[] signs(Random random) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = random.nextBoolean() ? 0.25f : -0.25f;
        }
        return v;
    }

    /** A unit vector: {@code centre} plus noise of norm about {@code noise} (a random direction when null). */
    private static float[] around(Random random, float[] centre, double noise) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) (random.nextGaussian() * noise / Math.sqrt(DIM) + (centre == null ? 0 : centre[d]));
        }
        return dev.faqmatch.inference.Vectors.l2NormalizeInPlace(v);
    }
}
