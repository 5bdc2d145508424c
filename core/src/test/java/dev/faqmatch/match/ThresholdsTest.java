package dev.faqmatch.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ThresholdsTest {
    private final Thresholds t = new Thresholds(0.6, 0.4, 0.05);

    @Test
    void aClearBestAboveMinScoreIsAnswered() {
        assertThat(t.route(0.8, 0.6)).isEqualTo(Route.ANSWER);
        assertThat(t.route(0.6, Double.NaN)).as("one entry, at min-score").isEqualTo(Route.ANSWER);
        assertThat(t.matched(0.6)).isTrue();
    }

    @Test
    void closeTopEntriesAskTheCustomerToChoose() {
        assertThat(t.route(0.8, 0.76)).isEqualTo(Route.CLARIFY);
        assertThat(t.route(0.8, 0.75)).as("exactly the margin apart").isEqualTo(Route.ANSWER);
        assertThat(t.matched(0.8)).as("matched keeps its meaning: best >= min-score").isTrue();
    }

    @Test
    void betweenClarifyScoreAndMinScoreIsClarify() {
        assertThat(t.route(0.5, 0.1)).isEqualTo(Route.CLARIFY);
        assertThat(t.route(0.4, Double.NaN)).isEqualTo(Route.CLARIFY);
        assertThat(t.matched(0.5)).isFalse();
    }

    @Test
    void belowClarifyScoreOrAnEmptyBankGoesToAPerson() {
        assertThat(t.route(0.39, 0.1)).isEqualTo(Route.HUMAN);
        assertThat(t.route(Double.NaN, Double.NaN)).isEqualTo(Route.HUMAN);
        assertThat(t.matched(Double.NaN)).isFalse();
    }

    @Test
    void clarifyScoreAboveMinScoreIsRejected() {
        assertThatThrownBy(() -> new Thresholds(0.5, 0.6, 0)).hasMessageContaining("must not exceed");
        assertThatThrownBy(() -> new Thresholds(0.5, 0.4, -0.1)).hasMessageContaining("clarify-margin");
    }

    @Test
    void routesAreWrittenInLowerCase() {
        assertThat(Route.ANSWER.code()).isEqualTo("answer");
        assertThat(Route.HUMAN.code()).isEqualTo("human");
    }
}
