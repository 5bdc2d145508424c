package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Similar questions, counter-examples and out-of-scope entries in an index, on vectors in the plane. */
class FaqIndexVariantsTest {
    /** The unit vector at {@code degrees}. */
    private static float[] at(double degrees) {
        double r = Math.toRadians(degrees);
        return new float[] {(float) Math.cos(r), (float) Math.sin(r)};
    }

    /** An index whose every text is placed at the angle the map gives it. */
    private static FaqIndex index(Map<String, Double> angleOf, FaqEntry... entries) {
        List<float[]> vectors = new ArrayList<>();
        for (String text : FaqIndex.rowTexts(List.of(entries))) {
            vectors.add(at(angleOf.get(text)));
        }
        return FaqIndex.of(List.of(entries), vectors);
    }

    private static FaqEntry faq(String id, String question, List<String> similar, List<String> notSimilar) {
        return new FaqEntry(id, question, "answer " + id, List.of(), similar, notSimilar, FaqEntry.Kind.FAQ);
    }

    /** The collapse rule: best + 0.2 x (second best - best). */
    private static double score(double bestDegrees, double secondDegrees) {
        double best = Math.cos(Math.toRadians(bestDegrees));
        return best + 0.2 * (Math.cos(Math.toRadians(secondDegrees)) - best);
    }

    @Test
    void anEntryScoresItsClosestTwoPhrasingsAndNeverCompetesWithItself() {
        FaqIndex index = index(Map.of("a", 0.0, "a1", 40.0, "a2", 44.0, "b", 60.0),
                faq("A", "a", List.of("a1", "a2"), List.of()), faq("B", "b", List.of(), List.of()));
        BankHits hits = index.search(at(41), 3);
        assertThat(hits.matches()).extracting(s -> s.entry().id()).containsExactly("A", "B");
        assertThat(hits.matches().get(0).matchedText()).as("the closest phrasing").isEqualTo("a1");
        assertThat(hits.matches().get(0).score()).isCloseTo((float) score(1, 3), within(1e-6f));
        assertThat(hits.second()).as("the runner-up is the other entry, not A's other phrasing; one phrasing: its cosine")
                .isCloseTo(Math.cos(Math.toRadians(19)), within(1e-6));
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.rows()).isEqualTo(4);
        assertThat(index.phrasings()).isEqualTo(4);
    }

    @Test
    void twoClosePhrasingsOutrankOneSlightlyCloserPhrasingWhoseEntryHasNoOtherNearby() {
        FaqIndex index = index(Map.of("a", 10.0, "a1", 12.0, "b", 9.5, "b1", 90.0),
                faq("A", "a", List.of("a1"), List.of()), faq("B", "b", List.of("b1"), List.of()));
        BankHits hits = index.search(at(0), 2);
        assertThat(hits.matches()).extracting(s -> s.entry().id()).containsExactly("A", "B");
        assertThat(hits.matches().get(0).score()).isCloseTo((float) score(10, 12), within(1e-6f));
        assertThat(hits.matches().get(1).matchedText()).isEqualTo("b");
        assertThat(hits.matches().get(1).score()).isCloseTo((float) score(9.5, 90), within(1e-6f));
    }

    @Test
    void aCounterExampleIsWeighedAgainstTheClosestPhrasingNotTheEntrysScore() {
        // A's score at 12 degrees is ~0.92, below its counter-example's cosine (~0.97), but its
        // closest phrasing (~0.98) is closer than the counter-example: A stays.
        FaqIndex index = index(Map.of("a", 0.0, "a1", 60.0, "not a", 25.0),
                faq("A", "a", List.of("a1"), List.of("not a")));
        BankHits hits = index.search(at(12), 1);
        assertThat(hits.matches()).extracting(s -> s.entry().id()).containsExactly("A");
        assertThat(hits.matches().get(0).score()).isLessThan((float) Math.cos(Math.toRadians(13)));
    }

    @Test
    void aCounterExampleStrictlyCloserThanEveryPhrasingVetoesTheEntry() {
        // A's question at 0, its counter-example at 30; B at 50.
        FaqIndex index = index(Map.of("a", 0.0, "not a", 30.0, "b", 50.0),
                faq("A", "a", List.of(), List.of("not a")), faq("B", "b", List.of(), List.of()));
        assertThat(index.search(at(10), 2).matches()).extracting(s -> s.entry().id())
                .as("closer to A's question than to its counter-example").containsExactly("A", "B");
        assertThat(index.search(at(20), 2).matches()).extracting(s -> s.entry().id())
                .as("closer to the counter-example: A is out, B is first and alone").containsExactly("B");
        assertThat(index.search(at(15), 2).matches()).extracting(s -> s.entry().id())
                .as("exactly as close to both: the phrasing wins ties").containsExactly("A", "B");
        assertThat(index.rows()).isEqualTo(3);
        assertThat(index.phrasings()).isEqualTo(2);
    }

    @Test
    void outOfScopeEntriesAreReportedApartAndWinWhenAtLeastAsClose() {
        FaqEntry chat = new FaqEntry("oos", "你好", "", List.of(), List.of("写首诗"), List.of(),
                FaqEntry.Kind.OUT_OF_SCOPE);
        FaqIndex index = index(Map.of("a", 0.0, "你好", 90.0, "写首诗", 120.0), faq("A", "a", List.of(), List.of()), chat);
        BankHits poem = index.search(at(110), 3);
        assertThat(poem.matches()).extracting(s -> s.entry().id()).containsExactly("A");
        assertThat(poem.outOfScope().entry().id()).isEqualTo("oos");
        assertThat(poem.outOfScope().matchedText()).isEqualTo("写首诗");
        assertThat(poem.outOfScopeWins()).isTrue();
        BankHits loan = index.search(at(30), 3);
        assertThat(loan.outOfScope().entry().id()).isEqualTo("oos");
        assertThat(loan.outOfScopeWins()).isFalse();
    }

    @Test
    void rebuildingTakesTheVectorsOfKnownTextsAndEmbedsOnlyNewOnes() {
        List<String> embedded = new ArrayList<>();
        java.util.function.Function<List<String>, float[][]> embed = texts -> {
            embedded.addAll(texts);
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i++) {
                out[i] = at(texts.get(i).hashCode() % 360);
            }
            return out;
        };
        FaqIndex first = FaqIndex.build(List.of(faq("A", "a", List.of("a1"), List.of("x")), faq("B", "b", List.of(), List.of())),
                embed, 2);
        assertThat(embedded).containsExactly("a", "a1", "x", "b");
        embedded.clear();
        FaqIndex second = FaqIndex.build(List.of(faq("A", "a", List.of("a1", "a2"), List.of()), faq("B", "b", List.of(), List.of())),
                embed, 2, first);
        assertThat(embedded).containsExactly("a2");
        assertThat(second.vector(0)).containsExactly(first.vector(0));
        assertThat(second.text(2)).isEqualTo("a2");
    }
}
