package dev.faqmatch.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorsTest {

    @Test
    void normalizes345InPlace() {
        float[] v = {3f, 4f, 0f};
        float[] out = Vectors.l2NormalizeInPlace(v);
        assertThat(out).isSameAs(v);
        assertThat(v).containsExactly(new float[] {0.6f, 0.8f, 0f}, within(1e-6f));
    }

    @Test
    void normalizesNegativeComponents() {
        float[] v = {0f, -2f};
        Vectors.l2NormalizeInPlace(v);
        assertThat(v).containsExactly(new float[] {0f, -1f}, within(1e-6f));
    }

    @Test
    void zeroVectorStaysZero() {
        float[] v = {0f, 0f, 0f};
        Vectors.l2NormalizeInPlace(v);
        assertThat(v).containsExactly(0f, 0f, 0f);
        assertThat(v).doesNotContain(Float.NaN);
    }

    @Test
    void unitVectorUnchanged() {
        float[] v = {1f, 0f};
        Vectors.l2NormalizeInPlace(v);
        assertThat(v).containsExactly(new float[] {1f, 0f}, within(1e-7f));
    }

    @Test
    void dotProduct() {
        assertThat(Vectors.dot(new float[] {1f, 2f, 3f}, new float[] {4f, -5f, 6f})).isEqualTo(12f, within(1e-6f));
        assertThat(Vectors.dot(new float[] {1f, 0f}, new float[] {0f, 1f})).isEqualTo(0f);
    }

    @Test
    void dotDimensionMismatch() {
        assertThatThrownBy(() -> Vectors.dot(new float[] {1f, 2f}, new float[] {1f, 2f, 3f}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension mismatch")
                .hasMessageContaining("2")
                .hasMessageContaining("3");
    }
}
