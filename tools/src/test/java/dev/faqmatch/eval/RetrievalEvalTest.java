package dev.faqmatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrievalEvalTest {
    private static PairFile.Pair pair(String text1, String text2, int label) {
        return new PairFile.Pair(text1, text2, label);
    }

    @Test
    void metricsOfAHandMadeBank() {
        Map<String, float[]> v = new HashMap<>();
        v.put("A", new float[] {1, 0, 0});
        v.put("B", new float[] {0, 1, 0});
        v.put("C", new float[] {0, 0, 1});
        v.put("a", new float[] {0.9f, 0.1f, 0}); // A first: rank 1
        v.put("b", new float[] {0.8f, 0.6f, 0}); // A, then B: rank 2
        v.put("c", new float[] {0.6f, 0.5f, 0.1f}); // A, B, then C: rank 3
        v.put("d", new float[] {0.5f, 0.9f, 0.2f}); // B, then A (a hit, as is C): rank 2
        // Only in a negative pair: were it in the bank, it would beat A and B for query b.
        v.put("X", new float[] {0.8f, 0.6f, 0});
        v.put("z", new float[] {0, 0, 1});
        List<PairFile.Pair> pairs = List.of(
                pair("A", "a", 1), pair("B", "b", 1), pair("C", "c", 1), pair("X", "z", 0),
                pair("A", "B", 1), // query "B" is itself in the bank, left out of its own results: A and C tie at 0, A first
                pair("A", "d", 1), pair("C", "d", 1),
                pair("A", "a", 1), // a repeated pair asks once
                pair("b", "A", 0)); // b's first result A, labelled a non-paraphrase (in either order)
        RetrievalEval.Result r = RetrievalEval.evaluate(pairs, v::get);
        assertThat(r.bank()).isEqualTo(3);
        assertThat(r.queries()).isEqualTo(5);
        // ranks 1, 2, 3, 1, 2
        assertThat(r.recallAt1()).isCloseTo(2.0 / 5, within(1e-12));
        assertThat(r.recallAt5()).isCloseTo(1.0, within(1e-12));
        assertThat(r.mrrAt10()).isCloseTo((1 + 1 / 2.0 + 1 / 3.0 + 1 + 1 / 2.0) / 5, within(1e-12));
        // b, c and d miss, in the file's order; only b's first result is labelled a non-paraphrase
        assertThat(r.misses()).extracting(RetrievalEval.Miss::query).containsExactly("b", "c", "d");
        RetrievalEval.Miss b = r.misses().get(0);
        assertThat(b.first()).isEqualTo("A");
        assertThat(b.firstScore()).isCloseTo(0.8, within(1e-6));
        assertThat(b.firstLabelledNegative()).isTrue();
        assertThat(b.expected()).containsExactly("B");
        assertThat(b.expectedRank()).isEqualTo(2);
        RetrievalEval.Miss d = r.misses().get(2);
        assertThat(d.first()).isEqualTo("B");
        assertThat(d.firstLabelledNegative()).isFalse();
        assertThat(d.expected()).containsExactly("A", "C");
        assertThat(r.missesLabelledNegative()).isEqualTo(1);
    }

    @Test
    void aQueryInTheBankDoesNotFindItself() {
        Map<String, float[]> v = Map.of("P", new float[] {1, 0}, "Q", new float[] {0, 1}, "R", new float[] {-0.1f, 1},
                "r", new float[] {-0.1f, 1});
        // P and Q are paraphrases, each a bank text and each a query.
        List<PairFile.Pair> pairs = List.of(pair("P", "Q", 1), pair("R", "r", 1), pair("Q", "P", 1));
        RetrievalEval.Result r = RetrievalEval.evaluate(pairs, v::get);
        assertThat(r.bank()).isEqualTo(3); // P, R, Q
        // query Q: R (0.995) before its paraphrase P (0), itself left out: a miss at rank 2
        assertThat(r.misses()).extracting(RetrievalEval.Miss::query, RetrievalEval.Miss::expectedRank)
                .containsExactly(tuple("Q", 2));
        assertThat(r.recallAt1()).isCloseTo(2.0 / 3, within(1e-12)); // P finds Q (R is below 0), r finds R
    }

    @Test
    void hitsBelowTheTopFiveAndBelowTheDepth() {
        // Bank E0..E11 on the unit circle at 0, 15, .., 165 degrees; query qk asks for Ek.
        Map<String, float[]> v = new HashMap<>();
        List<PairFile.Pair> pairs = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            v.put("E" + k, unit(15 * k));
            v.put("q" + k, unit(15 * k));
            pairs.add(pair("E" + k, "q" + k, 1));
        }
        v.put("q0", unit(170)); // E0 is the farthest of all twelve: rank 12, beyond the depth of 10
        v.put("q1", unit(62)); // E4, E5, E3, E6, E2, E7 are closer than E1 (47 degrees): rank 7
        RetrievalEval.Result r = RetrievalEval.evaluate(pairs, v::get);
        assertThat(r.bank()).isEqualTo(12);
        assertThat(r.queries()).isEqualTo(12);
        assertThat(r.recallAt1()).isCloseTo(10 / 12.0, within(1e-12));
        assertThat(r.recallAt5()).isCloseTo(10 / 12.0, within(1e-12));
        assertThat(r.mrrAt10()).isCloseTo((10 + 1 / 7.0) / 12, within(1e-12));
        assertThat(r.misses()).extracting(RetrievalEval.Miss::query, RetrievalEval.Miss::expectedRank)
                .containsExactly(tuple("q0", 0), tuple("q1", 7));
    }

    @Test
    void onlyFilesWithZeroOneLabelsAndAPositiveQualify() {
        assertThat(RetrievalEval.applicable(List.of(pair("a", "b", 1), pair("c", "d", 0)))).isTrue();
        assertThat(RetrievalEval.applicable(List.of(pair("a", "b", 0), pair("c", "d", 0)))).isFalse();
        assertThat(RetrievalEval.applicable(List.of(pair("a", "b", 1), new PairFile.Pair("c", "d", 3.8)))).isFalse();
        assertThatThrownBy(() -> RetrievalEval.evaluate(List.of(new PairFile.Pair("a", "b", 4)), t -> new float[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0/1 labels");
    }

    private static float[] unit(double degrees) {
        double r = Math.toRadians(degrees);
        return new float[] {(float) Math.cos(r), (float) Math.sin(r)};
    }
}
