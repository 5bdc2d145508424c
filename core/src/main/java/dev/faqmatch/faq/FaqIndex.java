package dev.faqmatch.faq;

import dev.faqmatch.inference.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * An FAQ bank as a matrix of unit-length embeddings, one row per phrasing: each entry's standard
 * question, its similar questions and its counter-examples, an entry's rows side by side. Searched
 * exhaustively by cosine similarity, then collapsed to one score per entry:
 * <ul>
 *   <li>an entry scores {@code best + 0.2 * (second - best)}, from the cosines of its closest and
 *       second-closest phrasings (question or similar questions; an entry with one phrasing scores
 *       its cosine): two phrasings of one entry never compete with each other for top-k or the
 *       margin, and an entry that two of its phrasings find close beats one that a single phrasing
 *       finds as close ({@link #SECOND_PHRASING_WEIGHT});</li>
 *   <li>an entry whose closest counter-example is strictly closer to the question than its closest
 *       phrasing is vetoed: it is left out of the result (neither a match nor the runner-up);</li>
 *   <li>out-of-scope entries are not matches; the best of them is reported beside the matches.</li>
 * </ul>
 * Ties keep the bank's order. Immutable and thread-safe.
 *
 * <p>Up to {@link #GRAPH_MIN_ROWS} rows the index holds them as floats and searches them all: exact,
 * and microseconds next to a model run for a few thousand rows. Larger banks hold int8 rows (a
 * quarter of the memory) and an HNSW graph ({@link RowGraph}) that finds the rows nearest each
 * question; every entry owning one of them, and every out-of-scope entry, is then scored on all its
 * rows by the same collapse and veto. The graph can only miss entries, never change an entry's
 * score or its veto (docs/BENCHMARKS.md, "FAQ bank scale": recall@10 against exact search).
 */
public final class FaqIndex {
    private final Layout layout;
    private final List<FaqEntry> entries;
    private final int dim;
    /** Row-major [rows, dim], rows of unit length; null for a bank searched through {@link #graphRows}. */
    private final float[] matrix;
    /** The rows of a large bank and their graph; null for a float bank. */
    private final GraphRows graphRows;
    /** From how many rows a rebuild ({@link #compact()}) searches through a graph, and how. */
    private final GraphSearch graphSearch;
    /** Out-of-scope entries, which a graph search scores whether or not the graph finds them. */
    private final int[] outOfScopeEntries;
    /** The entry of each row. */
    private final int[] rowEntry;
    /** Per row: {@code i >= 0} is the entry's phrasing i, {@code ~i} its counter-example i. */
    private final int[] rowText;
    /** The first row of each entry, and the number of rows at the end. */
    private final int[] entryStart;
    /** Rows that can match (standard and similar questions); the rest are counter-examples. */
    private final int phrasings;

    private FaqIndex(Layout layout, int dim, float[] matrix, GraphRows graphRows, GraphSearch graphSearch) {
        this.layout = layout;
        this.entries = layout.entries;
        this.dim = dim;
        this.matrix = matrix;
        this.graphRows = graphRows;
        this.graphSearch = graphSearch;
        this.outOfScopeEntries = layout.outOfScopeEntries;
        this.rowEntry = layout.rowEntry;
        this.rowText = layout.rowText;
        this.entryStart = layout.entryStart;
        this.phrasings = layout.phrasings;
    }

    /** Where each entry's rows are: an entry's phrasings, then its counter-examples, entries in bank order. */
    private record Layout(List<FaqEntry> entries, int[] outOfScopeEntries, int[] rowEntry, int[] rowText,
            int[] entryStart, int phrasings) {
        static Layout of(List<FaqEntry> bank) {
            List<FaqEntry> entries = List.copyOf(bank);
            int rows = 0;
            for (FaqEntry e : entries) {
                rows += e.rows();
            }
            int[] rowEntry = new int[rows];
            int[] rowText = new int[rows];
            int[] entryStart = new int[entries.size() + 1];
            int row = 0;
            int positive = 0;
            for (int e = 0; e < entries.size(); e++) {
                entryStart[e] = row;
                FaqEntry entry = entries.get(e);
                int entryPhrasings = 1 + entry.similar().size();
                positive += entryPhrasings;
                for (int i = 0; i < entry.rows(); i++, row++) {
                    rowEntry[row] = e;
                    rowText[row] = i < entryPhrasings ? i : ~(i - entryPhrasings);
                }
            }
            entryStart[entries.size()] = rows;
            int[] outOfScope = IntStream.range(0, entries.size()).filter(e -> entries.get(e).outOfScope()).toArray();
            return new Layout(entries, outOfScope, rowEntry, rowText, entryStart, positive);
        }

        int rows() {
            return rowEntry.length;
        }

        String text(int row) {
            FaqEntry e = entries.get(rowEntry[row]);
            int t = rowText[row];
            return t >= 0 ? (t == 0 ? e.question() : e.similar().get(t - 1)) : e.notSimilar().get(~t);
        }
    }

    /** The texts of the index's rows, in row order: per entry its phrasings, then its counter-examples. */
    public static List<String> rowTexts(List<FaqEntry> entries) {
        List<String> texts = new ArrayList<>();
        for (FaqEntry e : entries) {
            texts.addAll(e.phrasings());
            texts.addAll(e.notSimilar());
        }
        return texts;
    }

    /**
     * Embeds every phrasing and counter-example of the entries.
     *
     * @param embedBatch embeds a batch of texts, one vector each
     * @param batchSize texts per call of {@code embedBatch}
     */
    public static FaqIndex build(List<FaqEntry> entries, Function<List<String>, float[][]> embedBatch, int batchSize) {
        return build(entries, embedBatch, batchSize, null);
    }

    /**
     * Like {@link #build(List, Function, int)}, taking the vectors of texts that {@code reuse} holds
     * instead of embedding them again: an edit of one entry embeds only its new texts. A large bank
     * ({@link #approximate()} {@code reuse}) keeps its rows and graph: see {@link GraphRows}, and
     * {@link #compactionDue()} for when to rebuild it.
     *
     * @param reuse an index of the same model, or null
     */
    public static FaqIndex build(List<FaqEntry> entries, Function<List<String>, float[][]> embedBatch, int batchSize,
            FaqIndex reuse) {
        return build(entries, embedBatch, batchSize, reuse, GraphSearch.DEFAULT);
    }

    /**
     * Like {@link #build(List, Function, int, FaqIndex)}, searched through a graph as
     * {@code graphSearch} says; a {@code reuse} searched through a graph keeps its own.
     */
    public static FaqIndex build(List<FaqEntry> entries, Function<List<String>, float[][]> embedBatch, int batchSize,
            FaqIndex reuse, GraphSearch graphSearch) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("an FAQ index needs at least one entry");
        }
        if (reuse != null && reuse.approximate()) {
            return reuse.derive(entries, (rows, texts) -> {
                Map<String, float[]> embedded = embed(texts, embedBatch, batchSize, text -> null);
                return texts.stream().map(embedded::get).toArray(float[][]::new);
            });
        }
        List<String> texts = rowTexts(entries);
        Map<String, Integer> reuseRow = reuse == null ? Map.of() : reuse.rowOfText();
        Map<String, float[]> vectorOf = embed(texts, embedBatch, batchSize,
                t -> reuseRow.containsKey(t) ? reuse.vector(reuseRow.get(t)) : null);
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (String t : texts) {
            vectors.add(vectorOf.get(t));
        }
        return of(entries, vectors, vectors.get(0).length, graphSearch);
    }

    /** A vector for each distinct text: {@code known}'s where not null, else embedded in batches. */
    private static Map<String, float[]> embed(List<String> texts, Function<List<String>, float[][]> embedBatch,
            int batchSize, Function<String, float[]> known) {
        Map<String, float[]> vectorOf = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String t : texts) {
            if (!vectorOf.containsKey(t)) {
                float[] v = known.apply(t);
                vectorOf.put(t, v);
                if (v == null) {
                    missing.add(t);
                }
            }
        }
        for (int from = 0; from < missing.size(); from += batchSize) {
            List<String> chunk = missing.subList(from, Math.min(missing.size(), from + batchSize));
            float[][] embedded = embedBatch.apply(chunk);
            for (int j = 0; j < chunk.size(); j++) {
                vectorOf.put(chunk.get(j), embedded[j]);
            }
        }
        return vectorOf;
    }

    private Map<String, Integer> rowOfText() {
        Map<String, Integer> rows = new HashMap<>();
        for (int row = 0; row < rowEntry.length; row++) {
            rows.putIfAbsent(text(row), row);
        }
        return rows;
    }

    /** Vectors for rows of a new version that this large bank does not hold: (their row indices, their texts) to one vector each. */
    private interface NewRows {
        float[][] vectors(int[] rows, List<String> texts);
    }

    /**
     * A version of this large bank holding {@code next}: an entry of the same id keeps the rows of
     * its texts that are unchanged, the other rows are appended after the graph's ({@link GraphRows}).
     * Costs a pass over the rows' bookkeeping and the new rows' vectors, not a graph.
     */
    private FaqIndex derive(List<FaqEntry> next, NewRows newRows) {
        Layout layout = Layout.of(next);
        Map<String, Integer> entryOfId = new HashMap<>();
        for (int e = 0; e < entries.size(); e++) {
            entryOfId.put(entries.get(e).id(), e);
        }
        int[] rowSlot = new int[layout.rows()];
        List<Integer> missing = new ArrayList<>();
        List<String> missingTexts = new ArrayList<>();
        for (int e = 0; e < layout.entries.size(); e++) {
            FaqEntry entry = layout.entries.get(e);
            Integer was = entryOfId.get(entry.id());
            if (was != null && entries.get(was).equals(entry)) { // unchanged: its rows as they are
                for (int i = 0; i < entry.rows(); i++) {
                    rowSlot[layout.entryStart[e] + i] = graphRows.slot(entryStart[was] + i);
                }
                continue;
            }
            Map<String, Integer> oldSlot = new HashMap<>();
            if (was != null) {
                for (int row = entryStart[was]; row < entryStart[was + 1]; row++) {
                    oldSlot.putIfAbsent(text(row), graphRows.slot(row));
                }
            }
            for (int row = layout.entryStart[e]; row < layout.entryStart[e + 1]; row++) {
                String text = layout.text(row);
                Integer slot = oldSlot.remove(text);
                if (slot != null) {
                    rowSlot[row] = slot;
                } else {
                    missing.add(row);
                    missingTexts.add(text);
                }
            }
        }
        if (!missing.isEmpty()) {
            int[] rows = missing.stream().mapToInt(Integer::intValue).toArray();
            float[][] vectors = newRows.vectors(rows, missingTexts);
            for (int j = 0; j < rows.length; j++) {
                rowSlot[rows[j]] = graphRows.append(Vectors.l2NormalizeInPlace(vectors[j].clone()));
            }
        }
        return new FaqIndex(layout, dim, null, graphRows.derive(rowSlot, layout.rowEntry, layout.outOfScopeEntries),
                graphSearch);
    }

    /**
     * Whether edits since this large bank's graph was built slow its searches enough that
     * {@link #compact()} is worth running: rows outside the graph are scored on every search, and
     * slots of edited or deleted entries are walked through for nothing.
     */
    public boolean compactionDue() {
        return graphRows != null && graphRows.compactionDue();
    }

    /**
     * This bank rebuilt from its own rows (no model run): a graph of the rows it holds now, or float
     * rows searched exhaustively if it shrank below the graph's threshold. Minutes at a million rows,
     * so run it beside the live version, then {@link #rebase} the version live by then onto it.
     */
    public FaqIndex compact() {
        if (graphRows == null || rows() < graphSearch.minRows()) {
            return of(entries, vectors(), dim, graphSearch);
        }
        return new FaqIndex(layout, dim, null, graphRows.compact(rowEntry, outOfScopeEntries), graphSearch);
    }

    /** Every row's vector, in row order. */
    private List<float[]> vectors() {
        List<float[]> vectors = new ArrayList<>(rows());
        for (int row = 0; row < rows(); row++) {
            vectors.add(vector(row));
        }
        return vectors;
    }

    /**
     * This version's entries over {@code compacted}'s rows and graph ({@link #compact()} of an
     * earlier version): what was edited since is carried over as rows outside the graph.
     */
    public FaqIndex rebase(FaqIndex compacted) {
        if (!compacted.approximate()) {
            return of(entries, vectors(), dim, compacted.graphSearch);
        }
        return compacted.derive(entries, (rows, texts) -> IntStream.of(rows).mapToObj(this::vector).toArray(float[][]::new));
    }

    /** An index of precomputed vectors, one per row in {@link #rowTexts} order (normalized here). */
    public static FaqIndex of(List<FaqEntry> entries, List<float[]> vectors) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("an FAQ index needs at least one entry");
        }
        if (vectors.isEmpty()) {
            throw new IllegalArgumentException(entries.size() + " entries but no vectors");
        }
        return of(entries, vectors, vectors.get(0).length);
    }

    /** An index without entries (a tenant whose entries were all deleted): every search finds nothing. */
    public static FaqIndex empty(int dim) {
        return new FaqIndex(Layout.of(List.of()), dim, new float[0], null, GraphSearch.DEFAULT);
    }

    /** An index of precomputed vectors of dimension {@code dim}, one per row in {@link #rowTexts} order; may be empty. */
    public static FaqIndex of(List<FaqEntry> entries, List<float[]> vectors, int dim) {
        return of(entries, vectors, dim, GraphSearch.DEFAULT);
    }

    /**
     * Like {@link #of(List, List, int)}, searched through a graph from {@code graphMinRows} rows
     * instead of {@link #GRAPH_MIN_ROWS}: for tests and the bank-scale benchmark, which compare both
     * searches on one bank.
     */
    public static FaqIndex of(List<FaqEntry> entries, List<float[]> vectors, int dim, int graphMinRows) {
        return of(entries, vectors, dim, GraphSearch.fromRows(graphMinRows));
    }

    /** Like {@link #of(List, List, int)}, searched through a graph as {@code graphSearch} says. */
    public static FaqIndex of(List<FaqEntry> entries, List<float[]> vectors, int dim, GraphSearch graphSearch) {
        Layout layout = Layout.of(entries);
        int rows = layout.rows();
        if (rows != vectors.size()) {
            throw new IllegalArgumentException(entries.size() + " entries but " + vectors.size() + " vectors for their "
                    + rows + " phrasings and counter-examples");
        }
        for (int i = 0; i < vectors.size(); i++) {
            if (vectors.get(i).length != dim) {
                throw new IllegalArgumentException("vector " + i + " has dim " + vectors.get(i).length + ", expected " + dim);
            }
        }
        if (rows > 0 && rows >= graphSearch.minRows()) {
            return new FaqIndex(layout, dim, null, GraphRows.build(vectors, layout.rowEntry, layout.outOfScopeEntries),
                    graphSearch);
        }
        float[] matrix = new float[rows * dim];
        for (int i = 0; i < vectors.size(); i++) {
            System.arraycopy(Vectors.l2NormalizeInPlace(vectors.get(i).clone()), 0, matrix, i * dim, dim);
        }
        return new FaqIndex(layout, dim, matrix, null, graphSearch);
    }

    /** The {@code k} answerable entries most similar to {@code query}, best first. */
    public List<ScoredFaq> topK(float[] query, int k) {
        return search(query, k).matches();
    }

    /** The {@code k} answerable entries most similar to {@code query}, and the closest out-of-scope entry. */
    public BankHits search(float[] query, int k) {
        return search(new float[][] {query}, new int[] {k}).get(0);
    }

    /**
     * Searches several queries in one pass over the matrix: each block of rows is read from memory
     * once for the whole micro-batch rather than once per question, which is what makes a
     * 100,000-row bank (200 MB at dim 512) affordable. Large banks are split into ranges of whole
     * entries searched in parallel, whose results are merged.
     *
     * @param k answerable entries wanted per query, each at least 1
     */
    public List<BankHits> search(float[][] queries, int[] k) {
        int nq = queries.length;
        float[][] q = new float[nq][];
        for (int i = 0; i < nq; i++) {
            if (queries[i].length != dim) {
                throw new IllegalArgumentException("query has dim " + queries[i].length + ", the index " + dim);
            }
            if (k[i] < 1) {
                throw new IllegalArgumentException("k must be >= 1, got " + k[i]);
            }
            q[i] = Vectors.l2NormalizeInPlace(queries[i].clone());
        }
        if (graphRows != null) {
            List<BankHits> result = new ArrayList<>(nq);
            for (int i = 0; i < nq; i++) {
                result.add(hits(new Collapse[] {searchGraph(q[i], k[i])}, 0));
            }
            return result;
        }
        int rows = rows();
        int ranges = rows < PARALLEL_MIN_ROWS ? 1 : Math.min(Runtime.getRuntime().availableProcessors(), rows / (PARALLEL_MIN_ROWS / 2));
        // Range bounds fall on entry boundaries, so that each entry is collapsed within one range.
        int[] bounds = new int[ranges + 1];
        for (int r = 1; r < ranges; r++) {
            int row = (int) ((long) rows * r / ranges);
            bounds[r] = entryStart[rowEntry[row]] == row ? row : entryStart[rowEntry[row] + 1];
        }
        bounds[ranges] = rows;
        Collapse[] partial = new Collapse[ranges];
        IntStream stream = IntStream.range(0, ranges);
        (ranges > 1 ? stream.parallel() : stream).forEach(r -> {
            partial[r] = new Collapse(nq, k);
            scan(q, Math.min(bounds[r], bounds[r + 1]), bounds[r + 1], partial[r]);
        });
        List<BankHits> result = new ArrayList<>(nq);
        for (int i = 0; i < nq; i++) {
            result.add(hits(partial, i));
        }
        return result;
    }

    /** Query {@code i}'s hits, merged from the collapses of disjoint sets of entries. */
    private BankHits hits(Collapse[] partial, int i) {
        TopList top = partial[0].tops[i];
        int oosRow = partial[0].oosRow[i];
        float oosScore = partial[0].oosScore[i];
        for (int r = 1; r < partial.length; r++) {
            top.offerAll(partial[r].tops[i]);
            if (partial[r].oosRow[i] >= 0 && (oosRow < 0 || partial[r].oosScore[i] > oosScore)) {
                oosRow = partial[r].oosRow[i];
                oosScore = partial[r].oosScore[i];
            }
        }
        List<ScoredFaq> list = new ArrayList<>(top.filled);
        for (int j = 0; j < top.filled; j++) {
            list.add(scored(top.rows[j], top.scores[j]));
        }
        return new BankHits(list, oosRow < 0 ? null : scored(oosRow, oosScore));
    }

    /**
     * One query through the graph: the entries of the rows it finds nearest, and every entry it
     * always scores (out-of-scope entries, entries edited since the graph was built), each scored on
     * all its rows in bank order, so that collapse, veto and ties are those of an exhaustive search
     * over these entries.
     */
    private Collapse searchGraph(float[] query, int k) {
        Collapse out = new Collapse(1, new int[] {k});
        for (int e : graphRows.candidates(query, Math.max(graphSearch.candidateRows(), GRAPH_CANDIDATES_PER_K * k),
                k + GRAPH_EXTRA_ENTRIES)) {
            for (int row = entryStart[e]; row < entryStart[e + 1]; row++) {
                out.offer(0, row, graphRows.dot(row, query));
            }
        }
        out.settle(0);
        return out;
    }

    private ScoredFaq scored(int row, float score) {
        return new ScoredFaq(entries.get(rowEntry[row]), score, text(row));
    }

    /** Rows in one block: 64 rows at dim 768 are 192 KB, which stay in L2 while every query of the batch reads them. */
    private static final int BLOCK_ROWS = 64;
    private static final FloatKernel KERNEL = FloatKernel.ACTIVE;
    /** Below this many rows one thread is quicker than splitting the work. */
    private static final int PARALLEL_MIN_ROWS = 20_000;
    /**
     * From this many rows a bank is searched through a graph. On 2 cores the exhaustive search costs
     * about 0.06 us per row and question (6x the int8 model at 100,000 rows), the graph search 0.5x
     * the model at 100,000 rows (docs/BENCHMARKS.md, "FAQ bank scale"); below this the exhaustive
     * search stays, exact and without the graph's build time (20 s per 100,000 rows at every edit).
     */
    public static final int GRAPH_MIN_ROWS = 50_000;
    /**
     * Rows asked of the graph per entry wanted, at least ({@link GraphSearch#candidateRows()} is the
     * least per query): an entry has several phrasings near a question, so the nearest rows name
     * fewer entries than rows.
     */
    private static final int GRAPH_CANDIDATES_PER_K = 10;
    /**
     * Entries scored on all their rows beyond the k wanted, best first by the rows found: the rows
     * found already hold nearly every entry's best phrasing, but an entry's second phrasing can lift
     * one ranked a little lower into the top k. On FaqIndexGraphTest's clustered bank 10 extra
     * entries found 98.6% of the exact top 10, 20 found 99.2%, 30 no more; each costs a dot product
     * per row.
     */
    private static final int GRAPH_EXTRA_ENTRIES = 20;

    /**
     * Weight of an entry's second-closest phrasing in its score. Chosen on the development sets of
     * docs/ACCURACY.md ("Routing"; 0.1-0.5 and three other rules were measured): against the closest
     * phrasing alone it ranked the labelled entry first as often (the sample bank) or more often (the
     * two bank FAQ sets) on every development and test set, e.g. UnionPay test 70.2 -> 71.2, Jining
     * test 92.5 -> 93.2.
     */
    public static final float SECOND_PHRASING_WEIGHT = 0.2f;

    /** An entry's score from its closest and second-closest phrasings; its closest alone when it has one. */
    static float entryScore(float best, float second) {
        return second == Float.NEGATIVE_INFINITY ? best : best + SECOND_PHRASING_WEIGHT * (second - best);
    }

    /**
     * Per query, the entry whose rows are being read and its best phrasing and counter-example so
     * far: rows of an entry are contiguous and each query reads rows in order, so an entry is
     * settled (vetoed, offered to the top list, or kept as the out-of-scope candidate) as soon as
     * the next one starts, without a score array per entry.
     */
    private final class Collapse {
        final TopList[] tops;
        final int[] entry;
        final float[] best;
        final int[] bestRow;
        final float[] second;
        final float[] worst;
        final int[] oosRow;
        final float[] oosScore;

        Collapse(int nq, int[] k) {
            tops = new TopList[nq];
            for (int i = 0; i < nq; i++) {
                tops[i] = new TopList(Math.min(k[i], entries.size()));
            }
            entry = new int[nq];
            Arrays.fill(entry, -1);
            best = new float[nq];
            bestRow = new int[nq];
            second = new float[nq];
            worst = new float[nq];
            oosRow = new int[nq];
            Arrays.fill(oosRow, -1);
            oosScore = new float[nq];
        }

        void offer(int i, int row, float s) {
            int e = rowEntry[row];
            if (e != entry[i]) {
                settle(i);
                entry[i] = e;
                best[i] = Float.NEGATIVE_INFINITY;
                second[i] = Float.NEGATIVE_INFINITY;
                worst[i] = Float.NEGATIVE_INFINITY;
            }
            if (rowText[row] >= 0) {
                if (s > best[i]) {
                    second[i] = best[i];
                    best[i] = s;
                    bestRow[i] = row;
                } else if (s > second[i]) {
                    second[i] = s;
                }
            } else if (s > worst[i]) {
                worst[i] = s;
            }
        }

        void settle(int i) {
            int e = entry[i];
            if (e < 0 || worst[i] > best[i]) {
                return; // no entry yet, or a counter-example is closer than every phrasing: vetoed
            }
            float score = entryScore(best[i], second[i]);
            if (entries.get(e).outOfScope()) {
                if (oosRow[i] < 0 || score > oosScore[i]) {
                    oosRow[i] = bestRow[i];
                    oosScore[i] = score;
                }
            } else {
                tops[i].offer(bestRow[i], score);
            }
            entry[i] = -1;
        }
    }

    private void scan(float[][] q, int from, int to, Collapse out) {
        float[] acc = new float[8];
        for (int block = from; block < to; block += BLOCK_ROWS) {
            int end = Math.min(to, block + BLOCK_ROWS);
            int i = 0;
            for (; i + 3 < q.length; i += 4) {
                int row = block;
                for (; row + 1 < end; row += 2) {
                    KERNEL.dot2x4(matrix, row * dim, q[i], q[i + 1], q[i + 2], q[i + 3], dim, acc);
                    for (int j = 0; j < 4; j++) {
                        out.offer(i + j, row, acc[j]);
                        out.offer(i + j, row + 1, acc[4 + j]);
                    }
                }
                for (; row < end; row++) {
                    for (int j = 0; j < 4; j++) {
                        out.offer(i + j, row, KERNEL.dot(matrix, row * dim, q[i + j], dim));
                    }
                }
            }
            for (; i < q.length; i++) {
                float[] query = q[i];
                for (int row = block; row < end; row++) {
                    out.offer(i, row, KERNEL.dot(matrix, row * dim, query, dim));
                }
            }
        }
        for (int i = 0; i < q.length; i++) {
            out.settle(i);
        }
    }

    /** The best entries so far (by the row of their best phrasing), sorted by score; k is small, so insertion into an array is fastest. */
    private static final class TopList {
        final int[] rows;
        final float[] scores;
        int filled;

        TopList(int keep) {
            rows = new int[keep];
            scores = new float[keep];
        }

        void offer(int row, float s) {
            int keep = rows.length;
            if (keep > 0 && (filled < keep || s > scores[filled - 1])) {
                int pos = filled < keep ? filled++ : keep - 1;
                while (pos > 0 && scores[pos - 1] < s) {
                    scores[pos] = scores[pos - 1];
                    rows[pos] = rows[pos - 1];
                    pos--;
                }
                scores[pos] = s;
                rows[pos] = row;
            }
        }

        void offerAll(TopList other) {
            for (int j = 0; j < other.filled; j++) {
                offer(other.rows[j], other.scores[j]);
            }
        }
    }

    /** Entries of the bank. */
    public int size() {
        return entries.size();
    }

    /** Rows of the matrix: phrasings and counter-examples of every entry. */
    public int rows() {
        return rowEntry.length;
    }

    /** Phrasings that can match (standard and similar questions), counter-examples not counted. */
    public int phrasings() {
        return phrasings;
    }

    public List<FaqEntry> entries() {
        return entries;
    }

    /** The text of row {@code row}: a phrasing or a counter-example. */
    public String text(int row) {
        return layout.text(row);
    }

    /** The unit-length embedding of row {@code row} (a copy), so that an unchanged text need not be embedded again. */
    public float[] vector(int row) {
        if (graphRows != null) {
            return graphRows.vector(row);
        }
        float[] v = new float[dim];
        System.arraycopy(matrix, row * dim, v, 0, dim);
        return v;
    }

    /** Bytes of the rows, and of the graph of a large bank: the bulk of a bank's memory. */
    public long matrixBytes() {
        return graphRows != null ? graphRows.bytes() : (long) matrix.length * Float.BYTES;
    }

    /** When this bank, and those built from it, search through a graph, and how. */
    public GraphSearch graphSearch() {
        return graphSearch;
    }

    /** Rows held outside the graph since edits (scored on every search); 0 without a graph. */
    public int rowsOutsideGraph() {
        return graphRows == null ? 0 : graphRows.appendedRows();
    }

    /** Rows of the graph no entry holds any more (edited or deleted since it was built); 0 without a graph. */
    public int hiddenGraphRows() {
        return graphRows == null ? 0 : graphRows.hiddenSlots();
    }

    /** Whether a search goes through a graph (a large bank) rather than over every row. */
    public boolean approximate() {
        return graphRows != null;
    }

    public int dim() {
        return dim;
    }
}
