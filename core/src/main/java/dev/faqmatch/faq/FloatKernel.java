package dev.faqmatch.faq;

/**
 * Dot products of float rows against queries: the inner loop of the exhaustive search, which
 * every question pays over every phrasing and counter-example of its bank (about 0.2 ms per
 * question at the sample bank's 2,000 rows in plain Java, a quarter of the int8 model's run). The
 * JDK's Vector API takes 16 floats per step with AVX-512; it needs
 * {@code --add-modules=jdk.incubator.vector} (flink-conf sets it for TaskManagers), and without it
 * the plain loops run, with the same results up to float rounding.
 *
 * <p>The Vector API kernel sums {@link #dot} and {@link #dot2x4} in the same order, so that a
 * question's scores do not depend on which other questions share its batch; the plain one keeps
 * the loops this project had before, which can differ in a float's last bits.
 */
interface FloatKernel {
    /** {@code sum(m[base + d] * q[d])} for d below {@code dim}. */
    float dot(float[] m, int base, float[] q, int dim);

    /**
     * Rows {@code base} and {@code base + dim} against four queries: {@code out[j]} is the first
     * row's score against {@code qj}, {@code out[4 + j]} the second's. Each value loaded serves four
     * or two products, which is where a batch gains over one question at a time.
     */
    void dot2x4(float[] m, int base, float[] q0, float[] q1, float[] q2, float[] q3, int dim, float[] out);

    /** The kernel this JVM runs. */
    FloatKernel ACTIVE = VectorApi.choose(FloatKernel.class, () -> new VectorFloatKernel(), () -> new ScalarFloatKernel(),
            "FAQ banks are searched");
}
