package dev.faqmatch.faq;

import java.io.Serializable;

/**
 * When and how a bank is searched through a graph instead of row by row.
 *
 * @param minRows from this many rows (phrasings and counter-examples) a bank holds int8 rows and a
 *     graph of them; below, float rows searched exhaustively, exact
 * @param candidateRows rows the graph proposes per question (at least 10 per match asked), whose
 *     entries are then scored on all their rows: more rows find the exact nearest entries more
 *     often, at more cost (docs/BENCHMARKS.md, "FAQ bank scale")
 */
public record GraphSearch(int minRows, int candidateRows) implements Serializable {
    /** The smallest {@link #candidateRows}: the graph's walk needs a queue to steer by. */
    public static final int MIN_CANDIDATE_ROWS = 10;
    /**
     * Keeps the search within the int8 model's cost at 1,000,000 phrasings, at the price of some of
     * the exact search's recall there (2 cores): 100 rows gave recall@10 0.88 (the exact search's
     * first entry for 89% of the questions) in 0.8 ms per question, 200 rows 0.986 (98%) in 1.4 ms,
     * 300 rows 0.998 (all) in 2.0 ms, the model 0.7-1.0 ms; at 100,000 phrasings 100 rows gave
     * 0.991 (the first entry always the exact one) in 0.3 ms, 300 rows no more recall in 0.8 ms
     * (docs/BENCHMARKS.md, "FAQ bank scale"). A collector keeping one row per entry was tried: at
     * the same recall it visited twice the rows.
     */
    public static final int DEFAULT_CANDIDATE_ROWS = 100;
    /** The job's default: a graph from {@link FaqIndex#GRAPH_MIN_ROWS} rows, {@link #DEFAULT_CANDIDATE_ROWS} per question. */
    public static final GraphSearch DEFAULT = new GraphSearch(FaqIndex.GRAPH_MIN_ROWS, DEFAULT_CANDIDATE_ROWS);

    public GraphSearch {
        if (minRows < 0) {
            throw new IllegalArgumentException("minRows must be >= 0, got " + minRows);
        }
        if (candidateRows < MIN_CANDIDATE_ROWS) {
            throw new IllegalArgumentException("candidateRows must be >= " + MIN_CANDIDATE_ROWS + ", got " + candidateRows);
        }
    }

    /** The default candidate rows, with a graph from {@code minRows} rows (tests and benchmarks compare both searches). */
    public static GraphSearch fromRows(int minRows) {
        return new GraphSearch(minRows, DEFAULT_CANDIDATE_ROWS);
    }
}
