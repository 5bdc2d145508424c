package dev.faqmatch.faq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * Lucene's HNSW graph over the first rows of an {@link Int8Rows}: the rows nearest a query in a few
 * thousand dot products instead of one per row, at the price of missing a few of them (the caller
 * asks for more rows than it needs). Immutable once built; searches run concurrently, also while
 * later rows are appended to the rows it was built over (they are not in the graph). Built on one
 * thread with a fixed seed, so that the same rows give the same graph on every TaskManager.
 */
final class RowGraph {
    /** Lucene's defaults: 16 neighbours per node (32 on the bottom level), a beam of 100 while building. */
    static final int MAX_CONN = HnswGraphBuilder.DEFAULT_MAX_CONN;
    static final int BEAM_WIDTH = HnswGraphBuilder.DEFAULT_BEAM_WIDTH;
    private static final long SEED = 42;

    private final Int8Rows rows;
    private final OnHeapHnswGraph graph;
    private final int size;

    private RowGraph(Int8Rows rows, OnHeapHnswGraph graph, int size) {
        this.rows = rows;
        this.graph = graph;
        this.size = size;
    }

    /**
     * A graph of the first {@code count} rows. Stops with a {@link CancellationException} when the
     * thread is interrupted: a bank's rebuild can take minutes and must not outlive its job.
     */
    static RowGraph build(Int8Rows rows, int count) {
        try {
            HnswGraphBuilder builder = HnswGraphBuilder.create(new RowScorers(rows, count), MAX_CONN, BEAM_WIDTH, SEED, count);
            for (int row = 0; row < count; row++) {
                if ((row & 1023) == 0 && Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("the graph of " + count + " FAQ rows was being built when its thread was interrupted");
                }
                builder.addGraphNode(row);
            }
            return new RowGraph(rows, builder.getCompletedGraph(), count);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // rows in memory: never thrown
        }
    }

    /** Rows in the graph: rows 0 to size - 1 of its {@link Int8Rows}. */
    int size() {
        return size;
    }

    /**
     * Offers {@code collector} the rows nearest {@code query} (unit length) that {@code accept} (null
     * for all) lets through, as far as the graph finds them. Scores are {@link #score}s.
     */
    void search(float[] query, KnnCollector collector, Bits accept) {
        try {
            // The searcher for an OnHeapHnswGraph keeps its position itself, not in the graph: searches run concurrently.
            HnswGraphSearcher.search(new QueryScorer(rows, query, size), collector, graph, accept);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
    private record RowScorers(Int8Rows rows, int count) implements RandomVectorScorerSupplier {
        @Override
        public RandomVectorScorer scorer(int ord) {
            return new RandomVectorScorer() {
                @Override
                public float score(int other) {
                    return RowGraph.score(rows.dot(ord, other));
                }

                @Override
                public int maxOrd() {
                    return count;
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
