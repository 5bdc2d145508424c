package dev.faqmatch.eval;

import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.faq.ScoredFaq;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * FAQ retrieval from a paraphrase file, searched through the job's own {@link FaqIndex}: the
 * distinct first texts of the positive pairs form the bank, and each distinct second text asks
 * it. A hit is any other bank text paired positively with the query; a query whose own text is
 * also in the bank does not find itself (its own row is left out of its results, as C-MTEB-style
 * evaluators do), since finding a copy of the question measures nothing. Negative pairs add no bank
 * text (their texts would only be distractors that no query is meant to find); they serve to tell
 * the misses apart.
 *
 * <p>A miss is a query whose first result is not a hit. Paraphrase files label only some pairs, so
 * a first result that the file never pairs with the query may still be a paraphrase of it: each
 * miss says whether the file labels that pair as a non-paraphrase ({@link Miss#firstLabelledNegative}),
 * which is the only kind of miss the labels prove wrong.
 */
public final class RetrievalEval {
    /** Depth of the search; MRR counts a hit below it as 0, as MRR@10 does in retrieval benchmarks. */
    public static final int DEPTH = 10;

    /**
     * @param bank distinct FAQ texts
     * @param queries distinct query texts
     * @param recallAt1 share of queries whose first result is a hit
     * @param recallAt5 share of queries with a hit among the first five
     * @param mrrAt10 mean of 1/rank of the first hit, 0 when none is in the first ten
     * @param misses the queries whose first result is not a hit, in the file's order
     */
    public record Result(int bank, int queries, double recallAt1, double recallAt5, double mrrAt10, List<Miss> misses) {
        /** Misses whose first result the file labels as not a paraphrase of the query. */
        public long missesLabelledNegative() {
            return misses.stream().filter(Miss::firstLabelledNegative).count();
        }
    }

    /**
     * @param query the query text
     * @param first the bank text ranked first
     * @param firstScore its cosine similarity to the query
     * @param firstLabelledNegative whether the file pairs {@code first} with the query under label 0
     *     (false: the file says nothing about the pair)
     * @param expected the bank texts the file pairs positively with the query
     * @param expectedRank 1-based rank of the best-ranked of them, 0 when none is within {@link #DEPTH}
     */
    public record Miss(String query, String first, double firstScore, boolean firstLabelledNegative,
            List<String> expected, int expectedRank) {}

    private RetrievalEval() {}

    /** Whether the labels are 0/1 with at least one positive, as retrieval needs. */
    public static boolean applicable(List<PairFile.Pair> pairs) {
        boolean positive = false;
        for (PairFile.Pair p : pairs) {
            if (p.label() != 0 && p.label() != 1) {
                return false;
            }
            positive |= p.label() == 1;
        }
        return positive;
    }

    /**
     * @param vectors the embedding of a text (of any length: the index normalizes)
     */
    public static Result evaluate(List<PairFile.Pair> pairs, Function<String, float[]> vectors) {
        if (!applicable(pairs)) {
            throw new IllegalArgumentException("retrieval needs 0/1 labels and at least one positive pair");
        }
        Set<String> bankTexts = new LinkedHashSet<>();
        Map<String, Set<String>> relevant = new LinkedHashMap<>();
        Set<List<String>> negative = new HashSet<>();
        for (PairFile.Pair p : pairs) {
            if (p.label() == 1) {
                bankTexts.add(p.text1());
                if (!p.text1().equals(p.text2())) {
                    relevant.computeIfAbsent(p.text2(), q -> new LinkedHashSet<>()).add(p.text1());
                }
            } else {
                negative.add(List.of(p.text1(), p.text2()));
                negative.add(List.of(p.text2(), p.text1()));
            }
        }
        List<FaqEntry> entries = new ArrayList<>(bankTexts.size());
        List<float[]> bankVectors = new ArrayList<>(bankTexts.size());
        for (String text : bankTexts) {
            entries.add(new FaqEntry("bank-" + entries.size(), text, "", List.of()));
            bankVectors.add(vectors.apply(text));
        }
        FaqIndex index = FaqIndex.of(entries, bankVectors);

        List<Map.Entry<String, Set<String>>> queries = new ArrayList<>(relevant.entrySet());
        float[][] queryVectors = new float[queries.size()][];
        for (int i = 0; i < queryVectors.length; i++) {
            queryVectors[i] = vectors.apply(queries.get(i).getKey());
        }
        // The index is thread-safe.
        // A query whose own text is in the bank would find itself first: it is left out of its own
        // results (as C-MTEB-style evaluators do), so only other texts can be hits.
        List<List<ScoredFaq>> results = IntStream.range(0, queries.size()).parallel()
                .mapToObj(i -> withoutItself(index.topK(queryVectors[i], DEPTH + 1), queries.get(i).getKey()))
                .toList();
        // 1-based rank of the first hit, 0 for none within DEPTH.
        int[] ranks = new int[queries.size()];
        List<Miss> misses = new ArrayList<>();
        for (int i = 0; i < ranks.length; i++) {
            String query = queries.get(i).getKey();
            Set<String> hits = queries.get(i).getValue();
            List<ScoredFaq> found = results.get(i);
            ranks[i] = firstHit(found, hits);
            if (ranks[i] != 1 && !found.isEmpty()) {
                String first = found.get(0).entry().question();
                List<String> expected = List.copyOf(hits);
                misses.add(new Miss(query, first, found.get(0).score(), negative.contains(List.of(query, first)),
                        expected, ranks[i]));
            }
        }
        int at1 = 0;
        int at5 = 0;
        double reciprocal = 0;
        for (int rank : ranks) {
            if (rank == 0) {
                continue;
            }
            at1 += rank == 1 ? 1 : 0;
            at5 += rank <= 5 ? 1 : 0;
            reciprocal += 1.0 / rank;
        }
        int n = ranks.length;
        return new Result(index.size(), n, (double) at1 / n, (double) at5 / n, reciprocal / n, List.copyOf(misses));
    }

    private static List<ScoredFaq> withoutItself(List<ScoredFaq> found, String query) {
        List<ScoredFaq> rest = found.stream().filter(s -> !s.entry().question().equals(query)).toList();
        return rest.subList(0, Math.min(DEPTH, rest.size()));
    }

    private static int firstHit(List<ScoredFaq> results, Set<String> hits) {
        for (int r = 0; r < results.size(); r++) {
            if (hits.contains(results.get(r).entry().question())) {
                return r + 1;
            }
        }
        return 0;
    }
}
