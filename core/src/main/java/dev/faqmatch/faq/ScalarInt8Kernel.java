package dev.faqmatch.faq;

/** {@link Int8Kernel} in plain Java: independent sums, which the JIT keeps in registers. */
final class ScalarInt8Kernel implements Int8Kernel {
    @Override
    public float dot(byte[] row, int base, float[] query) {
        int dim = query.length;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int d = 0;
        for (; d + 3 < dim; d += 4) {
            s0 += row[base + d] * query[d];
            s1 += row[base + d + 1] * query[d + 1];
            s2 += row[base + d + 2] * query[d + 2];
            s3 += row[base + d + 3] * query[d + 3];
        }
        for (; d < dim; d++) {
            s0 += row[base + d] * query[d];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public float dot(byte[] a, int aBase, byte[] b, int bBase, int dim) {
        int s = 0;
        for (int d = 0; d < dim; d++) {
            s += a[aBase + d] * b[bBase + d];
        }
        return s;
    }
}
