package dev.faqmatch.faq;

import dev.faqmatch.inference.Vectors;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.Bits;

/**
 * The rows of one version of a large bank, searched through an HNSW graph. Int8 rows
 * ({@link Int8Rows}) and the graph ({@link RowGraph}) are shared by every version derived from one
 * build; each version has its own map from its rows to those slots. An edit does not touch the
 * graph (rebuilding it takes minutes at a million rows): the edited entries' new rows are appended
 * after the graph's, and the entries holding such rows are scored on every search, exactly; the
 * slots no longer held (old versions of edited entries, deleted entries) stay in the graph, which
 * walks through them without returning them. Searches thus stay exact for what changed, and get
 * slower as edits pile up, until a compaction ({@link #compactionDue()}) builds a graph of the rows
 * held now.
 */
final class GraphRows {
    /**
     * Rows outside the graph from which a compaction is due: each is one dot product per question,
     * so 2,000 of them are about 0.1 ms (the Vector API on the project's 2-core Xeon), a tenth of
     * the int8 model's run.
     */
    static final int MAX_APPENDED_ROWS = 2_000;
    /** Share of the graph's slots hidden from which a compaction is due: the search walks them for nothing. */
    static final double MAX_HIDDEN_SHARE = 0.1;

    private final Int8Rows store;
    private final RowGraph graph;
    /** The slot in {@link #store} of each row of this version. */
    private final int[] rowSlot;
    /** Per slot of the graph: the entry of this version holding it, or -1 (hidden). */
    private final int[] slotEntry;
    /** Entries scored on every search, ascending: those with rows outside the graph, and the given ones. */
    private final int[] alwaysScored;
    private final int appendedRows;
    private final int hiddenSlots;
    private final Bits held;

    /**
     * @param rowEntry the entry of each row
     * @param alwaysScored further entries to score on every search (out-of-scope examples)
     */
    GraphRows(Int8Rows store, RowGraph graph, int[] rowSlot, int[] rowEntry, int[] alwaysScored) {
        this.store = store;
        this.graph = graph;
        this.rowSlot = rowSlot;
        int nodes = graph.size();
        slotEntry = new int[nodes];
        Arrays.fill(slotEntry, -1);
        IntStream.Builder always = IntStream.builder();
        IntStream.of(alwaysScored).forEach(always);
        int appended = 0;
        int held = 0;
        for (int row = 0; row < rowSlot.length; row++) {
            int slot = rowSlot[row];
            if (slot < nodes) {
                slotEntry[slot] = rowEntry[row];
                held++;
            } else {
                appended++;
                always.add(rowEntry[row]);
            }
        }
        this.alwaysScored = always.build().sorted().distinct().toArray();
        this.appendedRows = appended;
        this.hiddenSlots = nodes - held;
        this.held = hiddenSlots == 0 ? null : new Bits() {
            @Override
            public boolean get(int slot) {
                return slotEntry[slot] >= 0;
            }

            @Override
            public int length() {
                return slotEntry.length;
            }
        };
    }

    /** The vectors, normalized, as rows of a new {@link Int8Rows}, and a graph of them all. */
    static GraphRows build(List<float[]> vectors, int[] rowEntry, int[] alwaysScored) {
        Int8Rows store = new Int8Rows(vectors.get(0).length);
        int[] rowSlot = new int[vectors.size()];
        for (int row = 0; row < rowSlot.length; row++) {
            rowSlot[row] = store.append(Vectors.l2NormalizeInPlace(vectors.get(row).clone()));
        }
        return new GraphRows(store, RowGraph.build(store, rowSlot.length), rowSlot, rowEntry, alwaysScored);
    }

    /** This version's rows copied into a new {@link Int8Rows}, bit for bit, and a graph of them all. */
    GraphRows compact(int[] rowEntry, int[] alwaysScored) {
        Int8Rows compacted = new Int8Rows(store.dim());
        int[] slots = new int[rowSlot.length];
        for (int row = 0; row < slots.length; row++) {
            slots[row] = compacted.appendCopy(store, rowSlot[row]);
        }
        return new GraphRows(compacted, RowGraph.build(compacted, slots.length), slots, rowEntry, alwaysScored);
    }

    /**
     * The entries worth scoring for {@code query} (unit length), ascending: of the {@code rows} rows
     * the graph finds nearest, the entries of the best, up to {@code entries} of them, and every
     * entry scored always.
     */
    int[] candidates(float[] query, int rows, int entries) {
        TopKnnCollector collector = new TopKnnCollector(rows, Integer.MAX_VALUE);
        graph.search(query, collector, held);
        ScoreDoc[] near = collector.topDocs().scoreDocs; // best first
        int[] all = Arrays.copyOf(alwaysScored, alwaysScored.length + Math.min(entries, near.length));
        int n = alwaysScored.length;
        int found = 0;
        for (int j = 0; j < near.length && found < entries; j++) {
            int entry = slotEntry[near[j].doc];
            boolean seen = false;
            for (int i = alwaysScored.length; i < n && !seen; i++) {
                seen = all[i] == entry;
            }
            if (!seen) {
                all[n++] = entry;
                found++;
            }
        }
        Arrays.sort(all, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || all[i] != all[i - 1]) {
                all[distinct++] = all[i];
            }
        }
        return Arrays.copyOf(all, distinct);
    }

    /** The cosine of row {@code row} and the unit-length {@code query}. */
    float dot(int row, float[] query) {
        return store.dot(rowSlot[row], query);
    }

    /** Row {@code row} as floats. */
    float[] vector(int row) {
        return store.vector(rowSlot[row]);
    }

    /** The slot of row {@code row}, for a version derived from this one. */
    int slot(int row) {
        return rowSlot[row];
    }

    /** Appends a unit-length row after every row so far, for a version derived from this one; returns its slot. */
    int append(float[] unit) {
        return store.append(unit);
    }

    /** Another version over these rows and this graph: its rows at {@code rowSlot}, from this one's or {@link #append}ed. */
    GraphRows derive(int[] rowSlot, int[] rowEntry, int[] alwaysScored) {
        return new GraphRows(store, graph, rowSlot, rowEntry, alwaysScored);
    }

    /** Rows of this version outside the graph, scored on every search. */
    int appendedRows() {
        return appendedRows;
    }

    /** Slots of the graph this version does not hold. */
    int hiddenSlots() {
        return hiddenSlots;
    }

    /** Whether edits made searches slow enough that a graph of the rows held now is worth its build. */
    boolean compactionDue() {
        return appendedRows > MAX_APPENDED_ROWS || hiddenSlots > MAX_HIDDEN_SHARE * graph.size();
    }

    /** Bytes of the rows (all versions') and the graph. */
    long bytes() {
        return store.bytes() + graph.bytes();
    }
}
