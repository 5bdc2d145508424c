package dev.faqmatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faqmatch.match.Thresholds;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantSettingsTest {
    @Test
    void aTenantsThresholdsOverrideTheJobWideOnesAndTheRestComeFromThem() {
        MatcherConfig c = MatcherConfig.fromMap(Map.of("match.min-score", "0.6", "match.clarify-score", "0.45",
                "match.clarify-margin", "0.06", "match.tenant.cards.min-score", "0.7", "match.tenant.loans.clarify-margin", "0.1",
                "match.tenant.wealth.min-score", "0.3"));
        assertThat(c.thresholds("cards")).isEqualTo(new Thresholds(0.7, 0.45, 0.06));
        assertThat(c.thresholds("loans")).isEqualTo(new Thresholds(0.6, 0.45, 0.1));
        assertThat(c.thresholds("wealth")).as("clarify-score follows a lower min-score").isEqualTo(new Thresholds(0.3, 0.3, 0.06));
        assertThat(c.thresholds("other")).isEqualTo(new Thresholds(0.6, 0.45, 0.06));
    }

    @Test
    void badTenantSettingsAreNamed() {
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("match.tenant.cards.min-scor", "0.7")))
                .hasMessageContaining("'match.tenant.cards.min-scor'").hasMessageContaining(".clarify-score");
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("match.tenant.ca rds.min-score", "0.7")))
                .hasMessageContaining("'match.tenant.ca rds.min-score'");
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("match.tenant.cards.min-score", "2")))
                .hasMessage("Invalid value '2' for setting 'match.tenant.cards.min-score': expected a number from -1.0 to 1.0.");
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("match.tenant.cards.clarify-score", "0.9")))
                .hasMessageContaining("'match.tenant.cards.clarify-score'").hasMessageContaining("must not exceed");
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("match.min-score", "0.8", "match.clarify-score", "0.9")))
                .hasMessageContaining("'match.clarify-score'").hasMessageContaining("match.min-score (0.8)");
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("match.fallback-tenant", "a/b")))
                .hasMessageContaining("'match.fallback-tenant'");
    }

    @Test
    void anUnsetClarifyScoreFollowsALowMinScore() {
        assertThat(MatcherConfig.fromMap(Map.of("match.min-score", "0.2", "match.clarify-margin", "0.06")).thresholds("any"))
                .isEqualTo(new Thresholds(0.2, 0.2, 0.06));
    }

    @Test
    void theFaqTopicCanBeTurnedOff() {
        assertThat(MatcherConfig.defaults().get(MatcherConfig.FAQS_TOPIC)).isEqualTo("faqs");
        assertThat(MatcherConfig.fromMap(Map.of("kafka.faqs-topic", "")).get(MatcherConfig.FAQS_TOPIC)).isEmpty();
    }
}
