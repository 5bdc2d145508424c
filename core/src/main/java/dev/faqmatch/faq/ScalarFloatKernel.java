package dev.faqmatch.faq;

/**
 * {@link FloatKernel} in plain Java: independent sums, which the JIT keeps in registers (it may not
 * reorder one chain of dependent float adds). {@link #dot} sums into four accumulators,
 * {@link #dot2x4} into one per row and query: the two can differ in the last bits of a float.
 */
final class ScalarFloatKernel implements FloatKernel {
    @Override
    public float dot(float[] m, int base, float[] q, int dim) {
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

    @Override
    public void dot2x4(float[] m, int base, float[] q0, float[] q1, float[] q2, float[] q3, int dim, float[] out) {
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        int next = base + dim;
        for (int d = 0; d < dim; d++) {
            float r = m[base + d];
            float s = m[next + d];
            float x0 = q0[d], x1 = q1[d], x2 = q2[d], x3 = q3[d];
            a0 += r * x0;
            a1 += r * x1;
            a2 += r * x2;
            a3 += r * x3;
            b0 += s * x0;
            b1 += s * x1;
            b2 += s * x2;
            b3 += s * x3;
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
}
