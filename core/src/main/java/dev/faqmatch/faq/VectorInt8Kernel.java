package dev.faqmatch.faq;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Int8Kernel} on the JDK's Vector API: as many bytes per step as the CPU's preferred float
 * vector has lanes (16 with AVX-512, 8 with AVX2), widened and multiplied in one register. Loaded
 * only where the JVM has {@code jdk.incubator.vector}.
 */
final class VectorInt8Kernel implements Int8Kernel {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(FLOATS.length() * Byte.SIZE));

    @Override
    public float dot(byte[] row, int base, float[] query) {
        int dim = query.length;
        int lanes = FLOATS.length();
        FloatVector acc = FloatVector.zero(FLOATS);
        int d = 0;
        for (; d + lanes <= dim; d += lanes) {
            FloatVector r = (FloatVector) ByteVector.fromArray(BYTES, row, base + d)
                    .convertShape(VectorOperators.B2F, FLOATS, 0);
            acc = r.fma(FloatVector.fromArray(FLOATS, query, d), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; d < dim; d++) {
            s += row[base + d] * query[d];
        }
        return s;
    }

    @Override
    public int dot(byte[] a, int aBase, byte[] b, int bBase, int dim) {
        int lanes = INTS.length();
        IntVector acc = IntVector.zero(INTS);
        int d = 0;
        for (; d + lanes <= dim; d += lanes) {
            IntVector x = (IntVector) ByteVector.fromArray(BYTES, a, aBase + d).convertShape(VectorOperators.B2I, INTS, 0);
            IntVector y = (IntVector) ByteVector.fromArray(BYTES, b, bBase + d).convertShape(VectorOperators.B2I, INTS, 0);
            acc = x.mul(y).add(acc);
        }
        int s = acc.reduceLanes(VectorOperators.ADD);
        for (; d < dim; d++) {
            s += a[aBase + d] * b[bBase + d];
        }
        return s;
    }
}
