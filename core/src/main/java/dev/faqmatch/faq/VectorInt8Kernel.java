package dev.faqmatch.faq;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
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
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(FLOATS.length() * Byte.SIZE));
    private static final VectorOperators.Conversion<Byte, Float> B2F = VectorOperators.B2F;

    @Override
    public float dot(byte[] row, int base, float[] query) {
        int dim = query.length;
        int lanes = FLOATS.length();
        // Two sums, so that one multiply-add need not wait for the one before (20% faster on rows in cache).
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int d = 0;
        for (; d + 2 * lanes <= dim; d += 2 * lanes) {
            FloatVector r0 = (FloatVector) ByteVector.fromArray(BYTES, row, base + d).convertShape(B2F, FLOATS, 0);
            FloatVector r1 = (FloatVector) ByteVector.fromArray(BYTES, row, base + d + lanes).convertShape(B2F, FLOATS, 0);
            acc0 = r0.fma(FloatVector.fromArray(FLOATS, query, d), acc0);
            acc1 = r1.fma(FloatVector.fromArray(FLOATS, query, d + lanes), acc1);
        }
        if (d + lanes <= dim) {
            FloatVector r = (FloatVector) ByteVector.fromArray(BYTES, row, base + d).convertShape(B2F, FLOATS, 0);
            acc0 = r.fma(FloatVector.fromArray(FLOATS, query, d), acc0);
            d += lanes;
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; d < dim; d++) {
            s += row[base + d] * query[d];
        }
        return s;
    }

    /**
     * Widens both rows to floats, as the query's dot does, so that the JVM only ever converts bytes
     * to floats. With a second conversion here (bytes to ints), once query searches had run, the JIT
     * compiled Lucene's graph walk with both dots inlined and failed to make the second conversion
     * an instruction (-XX:+PrintInlining: "failed to inline (intrinsic)"): the walk called the
     * Vector API's Java code for good, ~6 GB/s of garbage, and a graph of 200,000 rows took 466 s
     * instead of 44 s. The sum is still exact: products of int8 values are integers of at most 2^14,
     * and sums up to dim 1024 stay within 2^24, where floats hold every integer.
     */
    @Override
    public float dot(byte[] a, int aBase, byte[] b, int bBase, int dim) {
        int lanes = FLOATS.length();
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int d = 0;
        for (; d + 2 * lanes <= dim; d += 2 * lanes) {
            FloatVector a0 = (FloatVector) ByteVector.fromArray(BYTES, a, aBase + d).convertShape(B2F, FLOATS, 0);
            FloatVector b0 = (FloatVector) ByteVector.fromArray(BYTES, b, bBase + d).convertShape(B2F, FLOATS, 0);
            FloatVector a1 = (FloatVector) ByteVector.fromArray(BYTES, a, aBase + d + lanes).convertShape(B2F, FLOATS, 0);
            FloatVector b1 = (FloatVector) ByteVector.fromArray(BYTES, b, bBase + d + lanes).convertShape(B2F, FLOATS, 0);
            acc0 = a0.fma(b0, acc0);
            acc1 = a1.fma(b1, acc1);
        }
        if (d + lanes <= dim) {
            FloatVector a0 = (FloatVector) ByteVector.fromArray(BYTES, a, aBase + d).convertShape(B2F, FLOATS, 0);
            FloatVector b0 = (FloatVector) ByteVector.fromArray(BYTES, b, bBase + d).convertShape(B2F, FLOATS, 0);
            acc0 = a0.fma(b0, acc0);
            d += lanes;
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; d < dim; d++) {
            s += a[aBase + d] * b[bBase + d];
        }
        return s;
    }
}
