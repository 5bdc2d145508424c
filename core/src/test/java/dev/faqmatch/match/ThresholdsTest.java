package dev.faqmatch.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faqmatch.faq.BankHits;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.ScoredFaq;
import java.util.List;
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
    void anOutOfScopeExampleAtLeastAsCloseAsEveryEntrySendsTheQuestionToAPerson() {
        ScoredFaq faq = new ScoredFaq(new FaqEntry("f", "q", "a", List.of()), 0.9f, "q");
        ScoredFaq chat = new ScoredFaq(new FaqEntry("oos", "你好", "", List.of(), List.of(), List.of(),
                FaqEntry.Kind.OUT_OF_SCOPE), 0.9f, "你好");
        BankHits tie = new BankHits(List.of(faq), chat);
        assertThat(t.route(tie)).isEqualTo(Route.HUMAN);
        assertThat(t.matched(tie)).isFalse();
        BankHits below = new BankHits(List.of(faq), new ScoredFaq(chat.entry(), 0.89f, "你好"));
        assertThat(t.route(below)).isEqualTo(Route.ANSWER);
        assertThat(t.matched(below)).isTrue();
        assertThat(t.route(new BankHits(List.of(), chat))).as("nothing answerable at all").isEqualTo(Route.HUMAN);
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
