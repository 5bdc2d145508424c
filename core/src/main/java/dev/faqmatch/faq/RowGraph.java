package dev.faqmatch.faq;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * Lucene's HNSW graph over the rows of an {@link Int8Rows}: the rows nearest a query in a few
 * thousand dot products instead of one per row, at the price of missing a few of them (the
 * caller asks for more rows than it needs). Immutable once built; searches run concurrently.
 */
final class RowGraph {
    /** Lucene's defaults: 16 neighbours per node (32 on the bottom level), a beam of 100 while building. */
    static final int MAX_CONN = HnswGraphBuilder.DEFAULT_MAX_CONN;
    static final int BEAM_WIDTH = HnswGraphBuilder.DEFAULT_BEAM_WIDTH;
    private static final long SEED = 42;

    private final Int8Rows rows;
    private final OnHeapHnswGraph graph;

    private RowGraph(Int8Rows rows, OnHeapHnswGraph graph) {
        this.rows = rows;
        this.graph = graph;
    }

    /** A graph of the first {@code count} rows. */
    static RowGraph build(Int8Rows rows, int count) {
        try {
            return new RowGraph(rows, HnswGraphBuilder.create(new RowScorers(rows), MAX_CONN, BEAM_WIDTH, SEED, count)
                    .build(count));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // rows in memory: never thrown
        }
    }

    /**
     * The {@code n} rows nearest to {@code query} (unit length), best first, as far as the graph
     * finds them.
     */
    int[] nearest(float[] query, int n) {
        KnnCollector collector;
        try {
            // The searcher for an OnHeapHnswGraph keeps its position itself, not in the graph: searches run concurrently.
            collector = HnswGraphSearcher.search(new QueryScorer(rows, query, graph.maxNodeId() + 1), n, graph, null,
                    Integer.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var docs = collector.topDocs().scoreDocs;
        int[] found = new int[docs.length];
        for (int i = 0; i < docs.length; i++) {
            found[i] = docs[i].doc;
        }
        return found;
    }

    /** Bytes of the graph's links (the rows are counted by {@link Int8Rows#bytes()}). */
    long bytes() {
        return graph.ramBytesUsed();
    }

    /** Lucene's scores must not be negative: a cosine mapped onto [0, 1], as its DOT_PRODUCT similarity does. */
    private static float score(float cosine) {
        return Math.max((1 + cosine) / 2, 0f);
    }

    /** Row against row, for building the graph. Stateless, so one instance serves every copy. */
    private record RowScorers(Int8Rows rows) implements RandomVectorScorerSupplier {
        @Override
        public RandomVectorScorer scorer(int ord) {
            return new RandomVectorScorer() {
                @Override
                public float score(int other) {
                    return RowGraph.score(rows.dot(ord, other));
                }

                @Override
                public int maxOrd() {
                    return rows.size();
                }
            };
        }

        @Override
        public RandomVectorScorerSupplier copy() {
            return this;
        }
    }

    /** A float query against int8 rows. */
    private record QueryScorer(Int8Rows rows, float[] query, int maxOrd) implements RandomVectorScorer {
        @Override
        public float score(int row) {
            return RowGraph.score(rows.dot(row, query));
        }
    }
}
