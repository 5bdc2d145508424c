package dev.faqmatch.faq;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatKernel} on the JDK's Vector API: as many floats per step as the CPU's preferred
 * vector holds (16 with AVX-512, 8 with AVX2), one fused multiply-add per row and query. Loaded
 * only where the JVM has {@code jdk.incubator.vector}.
 */
final class VectorFloatKernel implements FloatKernel {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

    @Override
    public float dot(float[] m, int base, float[] q, int dim) {
        int lanes = FLOATS.length();
        FloatVector acc = FloatVector.zero(FLOATS);
        int d = 0;
        for (; d + lanes <= dim; d += lanes) {
            acc = FloatVector.fromArray(FLOATS, m, base + d).fma(FloatVector.fromArray(FLOATS, q, d), acc);
        }
        return tail(m, base, q, d, dim, acc.reduceLanes(VectorOperators.ADD));
    }

    @Override
    public void dot2x4(float[] m, int base, float[] q0, float[] q1, float[] q2, float[] q3, int dim, float[] out) {
        int lanes = FLOATS.length();
        int next = base + dim;
        FloatVector a0 = FloatVector.zero(FLOATS);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        int d = 0;
        for (; d + lanes <= dim; d += lanes) {
            FloatVector r = FloatVector.fromArray(FLOATS, m, base + d);
            FloatVector s = FloatVector.fromArray(FLOATS, m, next + d);
            FloatVector x0 = FloatVector.fromArray(FLOATS, q0, d);
            FloatVector x1 = FloatVector.fromArray(FLOATS, q1, d);
            FloatVector x2 = FloatVector.fromArray(FLOATS, q2, d);
            FloatVector x3 = FloatVector.fromArray(FLOATS, q3, d);
            a0 = r.fma(x0, a0);
            a1 = r.fma(x1, a1);
            a2 = r.fma(x2, a2);
            a3 = r.fma(x3, a3);
            b0 = s.fma(x0, b0);
            b1 = s.fma(x1, b1);
            b2 = s.fma(x2, b2);
            b3 = s.fma(x3, b3);
        }
        out[0] = tail(m, base, q0, d, dim, a0.reduceLanes(VectorOperators.ADD));
        out[1] = tail(m, base, q1, d, dim, a1.reduceLanes(VectorOperators.ADD));
        out[2] = tail(m, base, q2, d, dim, a2.reduceLanes(VectorOperators.ADD));
        out[3] = tail(m, base, q3, d, dim, a3.reduceLanes(VectorOperators.ADD));
        out[4] = tail(m, next, q0, d, dim, b0.reduceLanes(VectorOperators.ADD));
        out[5] = tail(m, next, q1, d, dim, b1.reduceLanes(VectorOperators.ADD));
        out[6] = tail(m, next, q2, d, dim, b2.reduceLanes(VectorOperators.ADD));
        out[7] = tail(m, next, q3, d, dim, b3.reduceLanes(VectorOperators.ADD));
    }

    /** The dimensions past the last whole vector (none at the models' dims, 512 and 768). */
    private static float tail(float[] m, int base, float[] q, int from, int dim, float sum) {
        for (int d = from; d < dim; d++) {
            sum += m[base + d] * q[d];
        }
        return sum;
    }
}
