package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import dev.faqmatch.inference.Vectors;
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
        Clustered bank = Clustered.generate(random, 1_500, 3, 0.6, 0.9); // counter-examples further out
        List<FaqEntry> entries = bank.entries();
        List<float[]> vectors = bank.vectors();
        List<float[]> centres = bank.centres();
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
    void moreCandidateRowsFindTheExactFirstEntryMoreOften() {
        Random random = new Random(5);
        Clustered bank = Clustered.generate(random, 3_000, 2, 1.2, Double.NaN);
        List<FaqEntry> entries = bank.entries();
        List<float[]> vectors = bank.vectors();
        List<float[]> centres = bank.centres();
        FaqIndex exact = FaqIndex.of(entries, vectors, DIM);
        FaqIndex few = FaqIndex.of(entries, vectors, DIM, new GraphSearch(0, GraphSearch.MIN_CANDIDATE_ROWS));
        FaqIndex many = FaqIndex.of(entries, vectors, DIM, new GraphSearch(0, 400));
        int sameWithFew = 0;
        int sameWithMany = 0;
        int questions = 300;
        for (int i = 0; i < questions; i++) {
            float[] question = around(random, centres.get(random.nextInt(centres.size())), 1.2);
            String first = exact.search(question, 1).matches().get(0).entry().id();
            sameWithFew += first.equals(few.search(question, 1).matches().get(0).entry().id()) ? 1 : 0;
            sameWithMany += first.equals(many.search(question, 1).matches().get(0).entry().id()) ? 1 : 0;
        }
        // 281 and 298 of 300 when written
        assertThat(sameWithMany).as("the exact first entry with 400 candidate rows (with 10: %d)", sameWithFew)
                .isGreaterThan(sameWithFew).isGreaterThanOrEqualTo(questions * 98 / 100);
    }

    @Test
    void aGraphSearchPolicyOutsideItsBoundsIsRefused() {
        assertThatThrownBy(() -> new GraphSearch(0, GraphSearch.MIN_CANDIDATE_ROWS - 1))
                .hasMessage("candidateRows must be >= 10, got 9");
        assertThatThrownBy(() -> new GraphSearch(-1, 100)).hasMessage("minRows must be >= 0, got -1");
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

    /** A clustered bank of {@code count} entries, its texts' vectors by text (the model), and its entries' centres. */
    private record Bank(List<FaqEntry> entries, Map<String, float[]> model, List<float[]> centres) {
        static Bank clustered(Random random, int count) {
            Bank bank = new Bank(new ArrayList<>(), new HashMap<>(), new ArrayList<>());
            for (int e = 0; e < count; e++) {
                bank.add(random, "e" + e, "");
            }
            return bank;
        }

        /** Adds (or, given an existing id, makes) an entry of four phrasings and a counter-example around a new centre. */
        FaqEntry add(Random random, String id, String version) {
            float[] centre = around(random, null, 1);
            centres.add(centre);
            FaqEntry entry = new FaqEntry(id, "q" + id + version, "", List.of(),
                    List.of("a" + id + version, "b" + id + version, "c" + id + version), List.of("n" + id + version),
                    FaqEntry.Kind.FAQ);
            for (String phrasing : entry.phrasings()) {
                model.put(phrasing, around(random, centre, 0.6));
            }
            model.put(entry.notSimilar().get(0), around(random, centre, 0.9));
            entries.add(entry);
            return entry;
        }

        List<float[]> vectors(List<FaqEntry> of) {
            return FaqIndex.rowTexts(of).stream().map(model::get).toList();
        }

        /** Embeds texts as the model does, counting them. */
        float[][] embed(List<String> texts, List<String> embedded) {
            embedded.addAll(texts);
            return texts.stream().map(model::get).toArray(float[][]::new);
        }
    }

    /**
     * The share of the exact top-10 entries that {@code index} finds, each with the exact score
     * within int8 rounding, and vetoed alike unless its counter-example and best phrasing are
     * within that rounding of each other.
     */
    private static double recallAgainstExact(FaqIndex index, List<FaqEntry> entries, Bank bank, Random random) {
        assertThat(index.entries()).isEqualTo(entries);
        FaqIndex exact = FaqIndex.of(entries, bank.vectors(entries), DIM);
        int found = 0;
        int wanted = 0;
        for (int i = 0; i < 200; i++) {
            float[] question = around(random, bank.centres().get(random.nextInt(bank.centres().size())), 0.8);
            Map<String, Float> exactScore = new HashMap<>();
            for (ScoredFaq s : exact.search(question, entries.size()).matches()) {
                exactScore.put(s.entry().id(), s.score());
            }
            Set<String> got = new HashSet<>();
            for (ScoredFaq s : index.search(question, 10).matches()) {
                got.add(s.entry().id());
                assertThat(s.entry()).as("the entry as it is now").isIn(entries);
                if (!exactScore.containsKey(s.entry().id())) {
                    assertThat(vetoMargin(exact, s.entry(), question)).as("a veto decided within rounding")
                            .isLessThan(0.005f);
                    continue;
                }
                assertThat(s.score()).isCloseTo(exactScore.get(s.entry().id()), within(0.005f));
            }
            for (ScoredFaq s : exact.search(question, 10).matches()) {
                wanted++;
                found += got.contains(s.entry().id()) ? 1 : 0;
            }
        }
        return (double) found / wanted;
    }

    /** How much closer {@code entry}'s nearest counter-example is to the question than its nearest phrasing. */
    private static float vetoMargin(FaqIndex index, FaqEntry entry, float[] question) {
        float phrasing = Float.NEGATIVE_INFINITY;
        float counter = Float.NEGATIVE_INFINITY;
        for (int row = 0; row < index.rows(); row++) {
            if (entry.phrasings().contains(index.text(row))) {
                phrasing = Math.max(phrasing, Vectors.dot(question, index.vector(row)));
            } else if (entry.notSimilar().contains(index.text(row))) {
                counter = Math.max(counter, Vectors.dot(question, index.vector(row)));
            }
        }
        return counter - phrasing;
    }

    @Test
    void anEditEmbedsOnlyNewTextsKeepsTheGraphAndMatchesWhatIsThereNow() {
        Random random = new Random(5);
        Bank bank = Bank.clustered(random, 1_500);
        FaqIndex before = FaqIndex.of(bank.entries(), bank.vectors(bank.entries()), DIM, 0);
        FaqEntry oldFive = bank.entries().get(5);

        List<FaqEntry> after = new ArrayList<>(bank.entries());
        FaqEntry newFive = bank.add(random, "e5", "-v2"); // every text new, somewhere else
        after.set(5, newFive);
        FaqEntry sevenNewAnswer = new FaqEntry("e7", after.get(7).question(), "a new answer", List.of(),
                after.get(7).similar(), after.get(7).notSimilar(), FaqEntry.Kind.FAQ);
        after.set(7, sevenNewAnswer);
        after.remove(9);
        FaqEntry added = bank.add(random, "new", "");
        after.add(added);
        List<String> embedded = new ArrayList<>();
        FaqIndex edited = FaqIndex.build(after, texts -> bank.embed(texts, embedded), 64, before);

        assertThat(embedded).as("only the texts no entry of that id had")
                .containsExactlyInAnyOrderElementsOf(FaqIndex.rowTexts(List.of(newFive, added)));
        assertThat(edited.approximate()).isTrue();
        assertThat(edited.compactionDue()).isFalse();
        assertThat(edited.search(bank.model().get(newFive.question()), 1).matches().get(0).entry()).isEqualTo(newFive);
        assertThat(edited.search(bank.model().get(added.similar().get(1)), 1).matches().get(0).matchedText())
                .isEqualTo(added.similar().get(1));
        assertThat(edited.search(bank.model().get("ae7"), 1).matches().get(0).entry().answer()).isEqualTo("a new answer");
        for (String gone : List.of(oldFive.question(), "qe9", "ae9")) {
            for (ScoredFaq s : edited.search(bank.model().get(gone), 10).matches()) {
                assertThat(s.matchedText()).as("a text no entry has any more").isNotEqualTo(gone);
            }
        }
        assertThat(recallAgainstExact(edited, after, bank, random)).as("recall@10").isGreaterThanOrEqualTo(0.98);
        assertThat(before.search(bank.model().get(oldFive.question()), 1).matches().get(0).matchedText())
                .as("the version before the edit answers as before").isEqualTo(oldFive.question());
    }

    @Test
    void manyEditsMakeACompactionDueWhichRebuildsTheGraphFromTheRowsHeldAndTakesLaterEditsAlong() {
        Random random = new Random(9);
        Bank bank = Bank.clustered(random, 1_500);
        FaqIndex version = FaqIndex.of(bank.entries(), bank.vectors(bank.entries()), DIM, 0);
        List<FaqEntry> entries = new ArrayList<>(bank.entries());
        for (int e = 0; e < 600; e++) { // 600 entries of 5 rows: 3,000 rows outside the graph
            entries.set(e, bank.add(random, "e" + e, "-v2"));
        }
        version = FaqIndex.build(entries, texts -> bank.embed(texts, new ArrayList<>()), 64, version);
        assertThat(version.compactionDue()).isTrue();

        FaqIndex compacted = version.compact();
        assertThat(compacted.compactionDue()).isFalse();
        assertThat(compacted.entries()).isEqualTo(entries);
        for (int row = 0; row < version.rows(); row += 97) {
            assertThat(compacted.vector(row)).as("rows copied bit for bit").containsExactly(version.vector(row));
        }
        assertThat(recallAgainstExact(compacted, entries, bank, random)).isGreaterThanOrEqualTo(0.98);

        // Edits made while the compaction ran are carried over onto it, without the model.
        List<FaqEntry> later = new ArrayList<>(entries);
        later.set(1_000, bank.add(random, "e1000", "-v3"));
        FaqIndex live = FaqIndex.build(later, texts -> bank.embed(texts, new ArrayList<>()), 64, version);
        FaqIndex rebased = live.rebase(compacted);
        assertThat(rebased.entries()).isEqualTo(later);
        assertThat(rebased.compactionDue()).isFalse();
        assertThat(rebased.search(bank.model().get("qe1000-v3"), 1).matches().get(0).matchedText()).isEqualTo("qe1000-v3");
        assertThat(recallAgainstExact(rebased, later, bank, random)).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void aBankThatShrankBelowTheGraphThresholdIsCompactedToFloatRows() {
        Random random = new Random(13);
        Bank bank = Bank.clustered(random, 40);
        FaqIndex large = FaqIndex.of(bank.entries(), bank.vectors(bank.entries()), DIM, 150);
        assertThat(large.approximate()).isTrue();
        List<FaqEntry> fewer = bank.entries().subList(0, 20);
        FaqIndex smaller = FaqIndex.build(fewer, texts -> bank.embed(texts, new ArrayList<>()), 64, large);
        assertThat(smaller.compactionDue()).as("half the graph's rows hidden").isTrue();
        FaqIndex compacted = smaller.compact();
        assertThat(compacted.approximate()).isFalse();
        assertThat(compacted.search(bank.model().get("be3"), 1).matches().get(0).matchedText()).isEqualTo("be3");
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
    /** Entries whose phrasings (and counter-example) lie around a centre of their own. */
    private record Clustered(List<FaqEntry> entries, List<float[]> vectors, List<float[]> centres) {
        /** @param counterSpread how far out each entry's counter-example lies; NaN for none */
        static Clustered generate(Random random, int entryCount, int similar, double spread, double counterSpread) {
            Clustered bank = new Clustered(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            boolean counter = !Double.isNaN(counterSpread);
            for (int e = 0; e < entryCount; e++) {
                float[] centre = around(random, null, 1);
                bank.centres.add(centre);
                List<String> similarTexts = new ArrayList<>();
                for (int i = 0; i < similar; i++) {
                    similarTexts.add((char) ('a' + i) + String.valueOf(e));
                }
                bank.entries.add(new FaqEntry("e" + e, "q" + e, "", List.of(), similarTexts,
                        counter ? List.of("n" + e) : List.of(), FaqEntry.Kind.FAQ));
                for (int p = 0; p <= similar; p++) {
                    bank.vectors.add(around(random, centre, spread));
                }
                if (counter) {
                    bank.vectors.add(around(random, centre, counterSpread));
                }
            }
            return bank;
        }
    }

    private static float[] around(Random random, float[] centre, double noise) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) (random.nextGaussian() * noise / Math.sqrt(DIM) + (centre == null ? 0 : centre[d]));
        }
        return dev.faqmatch.inference.Vectors.l2NormalizeInPlace(v);
    }
}
