package dev.faqmatch.faq;

/**
 * Unit-length rows stored as int8 with one scale per row: a quarter of float rows' memory (512 MB
 * for 1,000,000 rows at dim 512 instead of 2 GB), for the banks that are searched through a
 * {@link RowGraph}. Each row is scaled so that its largest component is 127, which keeps a
 * cosine within about 0.002 of the float one.
 *
 * <p>Append-only, and shared by the versions of a bank derived from one build ({@link GraphRows}):
 * an edit appends its new rows while searches of the older versions go on reading the rows they
 * hold. Rows live in chunks of 65,536, so that a bank of millions of rows needs no single array of
 * gigabytes and growing it never moves a row; the table of chunks is allocated whole at the start
 * (256 KB), so a reader never sees it replaced. A row is written before the version holding it is
 * published, and never again.
 */
final class Int8Rows {
    /** Rows per chunk: 2^16 rows at dim 512 are 32 MB, small enough to allocate at once while a bank grows. */
    private static final int CHUNK_BITS = 16;
    private static final int CHUNK_ROWS = 1 << CHUNK_BITS;
    private static final int MAX_CHUNKS = (Integer.MAX_VALUE >>> CHUNK_BITS) + 1;
    private static final Int8Kernel KERNEL = Int8Kernel.ACTIVE;

    private final int dim;
    private final byte[][] values = new byte[MAX_CHUNKS][];
    private final float[][] scales = new float[MAX_CHUNKS][];
    /** Rows appended so far, by every version sharing these rows. */
    private int size;

    Int8Rows(int dim) {
        this.dim = dim;
    }

    int dim() {
        return dim;
    }

    /** Appends a unit-length row; returns its index. */
    synchronized int append(float[] unit) {
        int row = claim();
        float max = 0;
        for (float x : unit) {
            max = Math.max(max, Math.abs(x));
        }
        float scale = max == 0 ? 1 : max / 127f;
        byte[] chunk = values[row >>> CHUNK_BITS];
        int base = offset(row);
        for (int d = 0; d < dim; d++) {
            chunk[base + d] = (byte) Math.round(unit[d] / scale);
        }
        scales[row >>> CHUNK_BITS][row & (CHUNK_ROWS - 1)] = scale;
        return row;
    }

    /** Appends a copy of row {@code row} of {@code from} (same dim), bit for bit; returns its index here. */
    synchronized int appendCopy(Int8Rows from, int row) {
        int copy = claim();
        System.arraycopy(from.values[row >>> CHUNK_BITS], from.offset(row), values[copy >>> CHUNK_BITS], offset(copy), dim);
        scales[copy >>> CHUNK_BITS][copy & (CHUNK_ROWS - 1)] = from.scale(row);
        return copy;
    }

    private int claim() {
        int row = size;
        if (row == Integer.MAX_VALUE) {
            throw new IllegalStateException("an FAQ bank cannot hold more than " + Integer.MAX_VALUE + " rows");
        }
        int chunk = row >>> CHUNK_BITS;
        if (values[chunk] == null) {
            values[chunk] = new byte[CHUNK_ROWS * dim];
            scales[chunk] = new float[CHUNK_ROWS];
        }
        size = row + 1;
        return row;
    }

    private int offset(int row) {
        return (row & (CHUNK_ROWS - 1)) * dim;
    }

    /** The cosine of row {@code row} and the unit-length {@code query}. */
    float dot(int row, float[] query) {
        return KERNEL.dot(values[row >>> CHUNK_BITS], offset(row), query) * scale(row);
    }

    /** The cosine of two rows. */
    float dot(int a, int b) {
        return KERNEL.dot(values[a >>> CHUNK_BITS], offset(a), values[b >>> CHUNK_BITS], offset(b), dim)
                * scale(a) * scale(b);
    }

    private float scale(int row) {
        return scales[row >>> CHUNK_BITS][row & (CHUNK_ROWS - 1)];
    }

    /** Row {@code row} as floats (the int8 values times the row's scale). */
    float[] vector(int row) {
        byte[] chunk = values[row >>> CHUNK_BITS];
        int base = offset(row);
        float scale = scale(row);
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = chunk[base + d] * scale;
        }
        return v;
    }

    /** Bytes allocated for rows, spare room in the last chunk included. */
    synchronized long bytes() {
        long chunks = (size + CHUNK_ROWS - 1) >>> CHUNK_BITS;
        return chunks * CHUNK_ROWS * (dim + Float.BYTES) + (long) MAX_CHUNKS * 2 * Integer.BYTES;
    }
}
