package dev.faqmatch.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PoolingTest {
    // [batch=2, seq=3, dim=2], row-major.
    // Sequence 0: 2 real tokens (1,2), (3,4), then padding (100,100).
    // Sequence 1: 3 real tokens (5,-1), (7,3), (9,1).
    private static final float[] HIDDEN = {
            1, 2, 3, 4, 100, 100,
            5, -1, 7, 3, 9, 1,
    };

    @Test
    void meanIgnoresPaddingOfShortSequence() {
        assertThat(Pooling.MEAN.pool(HIDDEN, 0, 3, 2, 2)).containsExactly(new float[] {2f, 3f}, within(1e-6f));
    }

    @Test
    void meanOverFullSequence() {
        assertThat(Pooling.MEAN.pool(HIDDEN, 1, 3, 2, 3)).containsExactly(new float[] {7f, 1f}, within(1e-6f));
    }

    @Test
    void meanOverSingleToken() {
        assertThat(Pooling.MEAN.pool(HIDDEN, 1, 3, 2, 1)).containsExactly(new float[] {5f, -1f}, within(1e-6f));
    }

    @Test
    void clsTakesFirstTokenOfEachSequence() {
        assertThat(Pooling.CLS.pool(HIDDEN, 0, 3, 2, 2)).containsExactly(1f, 2f);
        assertThat(Pooling.CLS.pool(HIDDEN, 1, 3, 2, 3)).containsExactly(5f, -1f);
    }

    @Test
    void poolReturnsFreshArray() {
        float[] hidden = HIDDEN.clone();
        float[] out = Pooling.CLS.pool(hidden, 0, 3, 2, 2);
        out[0] = 42f;
        assertThat(hidden[0]).isEqualTo(1f);
    }

    @Test
    void parseIsCaseInsensitiveAndTrims() {
        assertThat(Pooling.parse("mean")).isEqualTo(Pooling.MEAN);
        assertThat(Pooling.parse("CLS")).isEqualTo(Pooling.CLS);
        assertThat(Pooling.parse(" Mean ")).isEqualTo(Pooling.MEAN);
    }

    @Test
    void parseRejectsUnknownWithHelpfulMessage() {
        assertThatThrownBy(() -> Pooling.parse("max"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'max'")
                .hasMessageContaining("mean")
                .hasMessageContaining("cls");
    }

    @Test
    void parseRejectsNull() {
        assertThatThrownBy(() -> Pooling.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown pooling");
    }

    @Test
    void idIsLowerCase() {
        assertThat(Pooling.MEAN.id()).isEqualTo("mean");
        assertThat(Pooling.CLS.id()).isEqualTo("cls");
    }
}
