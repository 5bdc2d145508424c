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

    @Override
    public float dot(byte[] row, int base, float[] query) {
        int dim = query.length;
        int lanes = FLOATS.length();
        // Two sums, so that one multiply-add need not wait for the one before (20% faster on rows in cache).
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int d = 0;
        for (; d + 2 * lanes <= dim; d += 2 * lanes) {
            acc0 = widen(row, base + d).fma(FloatVector.fromArray(FLOATS, query, d), acc0);
            acc1 = widen(row, base + d + lanes).fma(FloatVector.fromArray(FLOATS, query, d + lanes), acc1);
        }
        if (d + lanes <= dim) {
            acc0 = widen(row, base + d).fma(FloatVector.fromArray(FLOATS, query, d), acc0);
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
            acc0 = widen(a, aBase + d).fma(widen(b, bBase + d), acc0);
            acc1 = widen(a, aBase + d + lanes).fma(widen(b, bBase + d + lanes), acc1);
        }
        if (d + lanes <= dim) {
            acc0 = widen(a, aBase + d).fma(widen(b, bBase + d), acc0);
            d += lanes;
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; d < dim; d++) {
            s += a[aBase + d] * b[bBase + d];
        }
        return s;
    }

    private static FloatVector widen(byte[] bytes, int offset) {
        return (FloatVector) ByteVector.fromArray(BYTES, bytes, offset).convertShape(VectorOperators.B2F, FLOATS, 0);
    }
}
