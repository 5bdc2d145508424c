package dev.faqmatch.faq;

/**
 * Unit-length rows stored as int8 with one scale per row: a quarter of float rows' memory (512 MB
 * for 1,000,000 rows at dim 512 instead of 2 GB), for the banks that are searched through a
 * {@link RowGraph}. Each row is scaled so that its largest component is 127, which keeps a
 * cosine within about 0.002 of the float one.
 *
 * <p>Rows live in chunks of 65,536, so that a bank of millions of rows needs no single array of
 * gigabytes and growing it never copies the rows already in. Filled by one thread, then only read.
 */
final class Int8Rows {
    /** Rows per chunk: 2^16 rows at dim 512 are 32 MB, small enough to allocate at once while a bank grows. */
    private static final int CHUNK_BITS = 16;
    private static final int CHUNK_ROWS = 1 << CHUNK_BITS;
    private static final Int8Kernel KERNEL = Int8Kernel.ACTIVE;

    private final int dim;
    private byte[][] values = new byte[0][];
    private float[][] scales = new float[0][];
    private int size;

    Int8Rows(int dim) {
        this.dim = dim;
    }

    int dim() {
        return dim;
    }

    int size() {
        return size;
    }

    /** Appends a unit-length row; returns its index. */
    int append(float[] unit) {
        int row = size;
        int chunk = row >>> CHUNK_BITS;
        if (chunk == values.length) {
            byte[][] v = java.util.Arrays.copyOf(values, chunk + 1);
            float[][] s = java.util.Arrays.copyOf(scales, chunk + 1);
            v[chunk] = new byte[CHUNK_ROWS * dim];
            s[chunk] = new float[CHUNK_ROWS];
            values = v;
            scales = s;
        }
        set(row, unit);
        size = row + 1;
        return row;
    }

    private void set(int row, float[] unit) {
        float max = 0;
        for (float x : unit) {
            max = Math.max(max, Math.abs(x));
        }
        float scale = max == 0 ? 1 : max / 127f;
        byte[] chunk = values[row >>> CHUNK_BITS];
        int base = (row & (CHUNK_ROWS - 1)) * dim;
        for (int d = 0; d < dim; d++) {
            chunk[base + d] = (byte) Math.round(unit[d] / scale);
        }
        scales[row >>> CHUNK_BITS][row & (CHUNK_ROWS - 1)] = scale;
    }

    /** The cosine of row {@code row} and the unit-length {@code query}. */
    float dot(int row, float[] query) {
        return KERNEL.dot(values[row >>> CHUNK_BITS], (row & (CHUNK_ROWS - 1)) * dim, query) * scale(row);
    }

    /** The cosine of two rows. */
    float dot(int a, int b) {
        return KERNEL.dot(values[a >>> CHUNK_BITS], (a & (CHUNK_ROWS - 1)) * dim, values[b >>> CHUNK_BITS],
                (b & (CHUNK_ROWS - 1)) * dim, dim) * scale(a) * scale(b);
    }

    private float scale(int row) {
        return scales[row >>> CHUNK_BITS][row & (CHUNK_ROWS - 1)];
    }

    /** Row {@code row} as floats (the int8 values times the row's scale). */
    float[] vector(int row) {
        byte[] chunk = values[row >>> CHUNK_BITS];
        int base = (row & (CHUNK_ROWS - 1)) * dim;
        float scale = scale(row);
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = chunk[base + d] * scale;
        }
        return v;
    }

    /** Bytes allocated for rows, spare room in the last chunk included. */
    long bytes() {
        return (long) values.length * CHUNK_ROWS * (dim + Float.BYTES);
    }
}
