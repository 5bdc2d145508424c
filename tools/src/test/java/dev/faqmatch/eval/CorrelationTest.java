package dev.faqmatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Expected values worked out by hand (the derivations are in the comments). */
class CorrelationTest {
    private static final double EPS = 1e-12;

    @Test
    void pearsonOfExactLinesIsPlusOrMinusOne() {
        double[] x = {1, 2, 3, 4, 5};
        assertThat(Correlation.pearson(x, new double[] {2, 4, 6, 8, 10})).isCloseTo(1.0, within(EPS));
        assertThat(Correlation.pearson(x, new double[] {5, 4, 3, 2, 1})).isCloseTo(-1.0, within(EPS));
    }

    @Test
    void pearsonByHand() {
        // means 2.5; dx = (-1.5, -.5, .5, 1.5), dy = (-1.5, .5, -.5, 1.5): sxy = 4, sxx = syy = 5
        assertThat(Correlation.pearson(new double[] {1, 2, 3, 4}, new double[] {1, 3, 2, 4})).isCloseTo(0.8, within(EPS));
    }

    @Test
    void pearsonIsNotFooledByLargeOffsets() {
        double[] x = {1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4};
        assertThat(Correlation.pearson(x, new double[] {1, 3, 2, 4})).isCloseTo(0.8, within(1e-9));
    }

    @Test
    void tiesShareTheirAverageRank() {
        assertThat(Correlation.averageRanks(new double[] {10, 20, 20, 30})).containsExactly(1, 2.5, 2.5, 4);
        assertThat(Correlation.averageRanks(new double[] {3, 1, 3, 3, 2})).containsExactly(4, 1, 4, 4, 2);
        assertThat(Correlation.averageRanks(new double[] {7, 7, 7})).containsExactly(2, 2, 2);
    }

    @Test
    void spearmanWithTiesOnBothSides() {
        // ranks x = (1, 2.5, 2.5, 4), ranks y = (1.5, 1.5, 3.5, 3.5); dx = (-1.5, 0, 0, 1.5),
        // dy = (-1, -1, 1, 1): sxy = 3, sxx = 4.5, syy = 4, rho = 3 / sqrt(18) = 1 / sqrt(2)
        assertThat(Correlation.spearman(new double[] {1, 2, 2, 3}, new double[] {0, 0, 1, 1}))
                .isCloseTo(1 / Math.sqrt(2), within(EPS));
    }

    @Test
    void spearmanOfScoresAgainstABinaryLabel() {
        // As in a paraphrase file: ranks of the scores (5, 1, 4, 2, 3); the three 0s share rank 2,
        // the two 1s rank 4.5. dx = (2, -2, 1, -1, 0), dy = (1.5, -1, 1.5, -1, -1):
        // sxy = 7.5, sxx = 10, syy = 7.5, rho = 7.5 / sqrt(75) = sqrt(3) / 2
        double[] scores = {0.9, 0.1, 0.8, 0.3, 0.5};
        double[] labels = {1, 0, 1, 0, 0};
        assertThat(Correlation.spearman(scores, labels)).isCloseTo(Math.sqrt(3) / 2, within(EPS));
    }

    @Test
    void spearmanIgnoresMonotoneTransformsButPearsonDoesNot() {
        double[] x = {0.1, 0.5, 0.2, 0.9, 0.7, 0.3};
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.exp(10 * x[i]);
        }
        assertThat(Correlation.spearman(x, y)).isCloseTo(1.0, within(EPS));
        assertThat(Correlation.pearson(x, y)).isLessThan(0.95);
    }

    @Test
    void aConstantSideHasNoCorrelation() {
        assertThat(Correlation.spearman(new double[] {1, 2, 3}, new double[] {1, 1, 1})).isNaN();
        assertThat(Correlation.pearson(new double[] {4, 4}, new double[] {1, 2})).isNaN();
    }

    @Test
    void samplesMustMatchInLengthAndHaveTwoValues() {
        assertThatThrownBy(() -> Correlation.spearman(new double[] {1, 2}, new double[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 vs 3");
        assertThatThrownBy(() -> Correlation.pearson(new double[] {1}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
    }
}
