package dev.faqmatch.faq;

import dev.faqmatch.inference.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The FAQ bank as a matrix of unit-length question embeddings, searched exhaustively by cosine
 * similarity. Exhaustive search over a few thousand rows takes microseconds next to a model run,
 * and it is exact. Immutable and thread-safe.
 */
public final class FaqIndex {
    private final List<FaqEntry> entries;
    private final int dim;
    private final float[] matrix; // row-major [entries, dim], rows of unit length

    private FaqIndex(List<FaqEntry> entries, int dim, float[] matrix) {
        this.entries = List.copyOf(entries);
        this.dim = dim;
        this.matrix = matrix;
    }

    /**
     * Embeds every entry's question.
     *
     * @param embedBatch embeds a batch of texts, one vector each
     * @param batchSize texts per call of {@code embedBatch}
     */
    public static FaqIndex build(List<FaqEntry> entries, Function<List<String>, float[][]> embedBatch, int batchSize) {
        List<float[]> vectors = new ArrayList<>(entries.size());
        for (int from = 0; from < entries.size(); from += batchSize) {
            List<String> questions = new ArrayList<>();
            for (FaqEntry e : entries.subList(from, Math.min(entries.size(), from + batchSize))) {
                questions.add(e.question());
            }
            for (float[] v : embedBatch.apply(questions)) {
                vectors.add(v);
            }
        }
        return of(entries, vectors);
    }

    /** An index of precomputed vectors, one per entry (normalized here). */
    public static FaqIndex of(List<FaqEntry> entries, List<float[]> vectors) {
        if (entries.size() != vectors.size()) {
            throw new IllegalArgumentException(entries.size() + " entries but " + vectors.size() + " vectors");
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("an FAQ index needs at least one entry");
        }
        return of(entries, vectors, vectors.get(0).length);
    }

    /** An index without entries (a tenant whose entries were all deleted): every search finds nothing. */
    public static FaqIndex empty(int dim) {
        return new FaqIndex(List.of(), dim, new float[0]);
    }

    /** An index of precomputed vectors of dimension {@code dim}, one per entry (normalized here); may be empty. */
    public static FaqIndex of(List<FaqEntry> entries, List<float[]> vectors, int dim) {
        if (entries.size() != vectors.size()) {
            throw new IllegalArgumentException(entries.size() + " entries but " + vectors.size() + " vectors");
        }
        float[] matrix = new float[entries.size() * dim];
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i);
            if (v.length != dim) {
                throw new IllegalArgumentException("vector " + i + " has dim " + v.length + ", expected " + dim);
            }
            System.arraycopy(Vectors.l2NormalizeInPlace(v.clone()), 0, matrix, i * dim, dim);
        }
        return new FaqIndex(entries, dim, matrix);
    }

    /** The {@code k} entries most similar to {@code query}, best first. */
    public List<ScoredFaq> topK(float[] query, int k) {
        return topK(new float[][] {query}, new int[] {k}).get(0);
    }

    /**
     * Top-k of several queries in one pass over the matrix: each block of rows is read from
     * memory once for the whole micro-batch rather than once per question, which is what makes a
     * 100,000-entry bank (200 MB at dim 512) affordable. Large banks are split into row ranges
     * searched in parallel, whose top lists are merged.
     *
     * @param k entries wanted per query, each at least 1
     */
    public List<List<ScoredFaq>> topK(float[][] queries, int[] k) {
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
        int n = entries.size();
        int ranges = n < PARALLEL_MIN_ROWS ? 1 : Math.min(Runtime.getRuntime().availableProcessors(), n / (PARALLEL_MIN_ROWS / 2));
        TopList[][] partial = new TopList[ranges][];
        IntStream stream = IntStream.range(0, ranges);
        (ranges > 1 ? stream.parallel() : stream).forEach(r -> {
            int from = (int) ((long) n * r / ranges);
            int to = (int) ((long) n * (r + 1) / ranges);
            partial[r] = search(q, k, from, to);
        });
        List<List<ScoredFaq>> result = new ArrayList<>(nq);
        for (int i = 0; i < nq; i++) {
            TopList top = partial[0][i];
            for (int r = 1; r < ranges; r++) {
                top.offerAll(partial[r][i]);
            }
            List<ScoredFaq> list = new ArrayList<>(top.filled);
            for (int j = 0; j < top.filled; j++) {
                list.add(new ScoredFaq(entries.get(top.rows[j]), top.scores[j]));
            }
            result.add(list);
        }
        return result;
    }

    /** Rows in one block: 64 rows at dim 768 are 192 KB, which stay in L2 while every query of the batch reads them. */
    private static final int BLOCK_ROWS = 64;
    /** Below this many rows one thread is quicker than splitting the work. */
    private static final int PARALLEL_MIN_ROWS = 20_000;

    private TopList[] search(float[][] q, int[] k, int from, int to) {
        TopList[] tops = new TopList[q.length];
        for (int i = 0; i < q.length; i++) {
            tops[i] = new TopList(Math.min(k[i], entries.size()));
        }
        float[] acc = new float[8];
        for (int block = from; block < to; block += BLOCK_ROWS) {
            int end = Math.min(to, block + BLOCK_ROWS);
            int i = 0;
            for (; i + 3 < q.length; i += 4) {
                int row = block;
                for (; row + 1 < end; row += 2) {
                    dot2x4(row * dim, q[i], q[i + 1], q[i + 2], q[i + 3], acc);
                    for (int j = 0; j < 4; j++) {
                        tops[i + j].offer(row, acc[j]);
                        tops[i + j].offer(row + 1, acc[4 + j]);
                    }
                }
                for (; row < end; row++) {
                    for (int j = 0; j < 4; j++) {
                        tops[i + j].offer(row, dot(matrix, row * dim, q[i + j], dim));
                    }
                }
            }
            for (; i < q.length; i++) {
                float[] query = q[i];
                TopList top = tops[i];
                for (int row = block; row < end; row++) {
                    top.offer(row, dot(matrix, row * dim, query, dim));
                }
            }
        }
        return tops;
    }

    /**
     * Two rows against four queries at once: eight independent sums, and each value loaded from
     * memory serves four or two products instead of one, which is where a batch gains over
     * one query at a time.
     */
    private void dot2x4(int base, float[] q0, float[] q1, float[] q2, float[] q3, float[] out) {
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        int next = base + dim;
        for (int d = 0; d < dim; d++) {
            float m = matrix[base + d];
            float n = matrix[next + d];
            float x0 = q0[d], x1 = q1[d], x2 = q2[d], x3 = q3[d];
            a0 += m * x0;
            a1 += m * x1;
            a2 += m * x2;
            a3 += m * x3;
            b0 += n * x0;
            b1 += n * x1;
            b2 += n * x2;
            b3 += n * x3;
        }
        out[0] = a0;
        out[1] = a1;
        out[2] = a2;
        out[3] = a3;
        out[4] = b0;
        out[5] = b1;
        out[6] = b2;
        out[7] = b3;
    }

    /** The best rows so far, sorted by score; k is small, so insertion into an array is fastest. */
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
            if (filled < keep || s > scores[filled - 1]) {
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

    /**
     * Four independent sums instead of one chain of dependent float adds (which the JIT may not
     * reorder). Measured small: top-k over the 227-entry sample bank at dim 512 went from 82 to
     * 77 us of CPU per question, against ~3 ms for the model run.
     */
    private static float dot(float[] m, int base, float[] q, int dim) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int d = 0;
        for (; d + 3 < dim; d += 4) {
            s0 += m[base + d] * q[d];
            s1 += m[base + d + 1] * q[d + 1];
            s2 += m[base + d + 2] * q[d + 2];
            s3 += m[base + d + 3] * q[d + 3];
        }
        for (; d < dim; d++) {
            s0 += m[base + d] * q[d];
        }
        return (s0 + s1) + (s2 + s3);
    }

    public int size() {
        return entries.size();
    }

    public List<FaqEntry> entries() {
        return entries;
    }

    /** The unit-length embedding of entry {@code row} (a copy), so that an unchanged entry need not be embedded again. */
    public float[] vector(int row) {
        float[] v = new float[dim];
        System.arraycopy(matrix, row * dim, v, 0, dim);
        return v;
    }

    /** Bytes of the matrix, the bulk of a bank's memory. */
    public long matrixBytes() {
        return (long) matrix.length * Float.BYTES;
    }

    public int dim() {
        return dim;
    }
}
