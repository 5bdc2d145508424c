package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float kernels: the Vector API one against the plain one, at dims that do and do not fill
 * whole vectors, and its four-query block equal, to the bit, to one query at a time.
 */
class FloatKernelTest {
    @Test
    void vectorAndPlainKernelsAgreeAndTheVectorBlockEqualsSingleDots() {
        assumeTrue(VectorApi.available(),
                "the test JVM runs without --add-modules=jdk.incubator.vector");
        assertThat(FloatKernel.ACTIVE).isInstanceOf(VectorFloatKernel.class);
        FloatKernel vector = new VectorFloatKernel();
        FloatKernel plain = new ScalarFloatKernel();
        Random random = new Random(7);
        for (int dim : new int[] {3, 16, 37, 512, 768}) {
            float[] rows = gaussian(random, 2 * dim);
            float[][] q = {gaussian(random, dim), gaussian(random, dim), gaussian(random, dim), gaussian(random, dim)};
            float[] block = new float[8];
            float[] plainBlock = new float[8];
            vector.dot2x4(rows, 0, q[0], q[1], q[2], q[3], dim, block);
            plain.dot2x4(rows, 0, q[0], q[1], q[2], q[3], dim, plainBlock);
            for (int j = 0; j < 4; j++) {
                assertThat(block[j]).isEqualTo(vector.dot(rows, 0, q[j], dim));
                assertThat(block[4 + j]).isEqualTo(vector.dot(rows, dim, q[j], dim));
                assertThat(block[j]).isCloseTo(plain.dot(rows, 0, q[j], dim), within(1e-4f * dim));
                assertThat(plainBlock[4 + j]).isCloseTo(plain.dot(rows, dim, q[j], dim), within(1e-4f * dim));
            }
        }
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
