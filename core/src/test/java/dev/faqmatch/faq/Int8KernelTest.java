package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Vector API kernel against the plain one, at dims that do and do not fill whole vectors. */
class Int8KernelTest {
    @Test
    void vectorAndPlainKernelsAgree() {
        assumeTrue(VectorApi.available(),
                "the test JVM runs without --add-modules=jdk.incubator.vector");
        assertThat(Int8Kernel.ACTIVE).isInstanceOf(VectorInt8Kernel.class);
        Int8Kernel vector = new VectorInt8Kernel();
        Int8Kernel plain = new ScalarInt8Kernel();
        Random random = new Random(5);
        for (int dim : new int[] {2, 16, 24, 37, 48, 512, 768}) {
            byte[] rows = new byte[3 * dim];
            random.nextBytes(rows);
            float[] query = new float[dim];
            for (int d = 0; d < dim; d++) {
                query[d] = (float) random.nextGaussian();
            }
            assertThat(vector.dot(rows, dim, rows, 2 * dim, dim)).isEqualTo(plain.dot(rows, dim, rows, 2 * dim, dim));
            assertThat(vector.dot(rows, dim, query)).isCloseTo(plain.dot(rows, dim, query), within(1e-3f * dim));
        }
    }
}
