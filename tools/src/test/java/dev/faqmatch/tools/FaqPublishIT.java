package dev.faqmatch.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.testkit.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code deploy/faq-publish.sh} against a real broker: upserts what changed, deletes what the file dropped, per tenant. */
class FaqPublishIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension("kafka-faq-publish-it");

    @Test
    void aTenantsBankOnTheTopicBecomesTheFile() throws Exception {
        KAFKA.get().createCompactedTopic("pub-faqs", 1);
        FaqEntry a = new FaqEntry("f-1", "怎么提额", "在APP申请", List.of());
        FaqEntry b = new FaqEntry("f-2", "年费", "首年免", List.of("fee"));
        FaqEntry c = new FaqEntry("f-3", "挂失", "致电客服", List.of());
        String bootstrap = KAFKA.bootstrapServers();
        assertThat(FaqPublish.publish(bootstrap, "pub-faqs", "cards", List.of(a, b, c), true))
                .isEqualTo(new FaqPublish.Result(3, 0, 0));
        assertThat(FaqPublish.publish(bootstrap, "pub-faqs", "loans", List.of(a), true))
                .isEqualTo(new FaqPublish.Result(1, 0, 0));

        FaqEntry b2 = new FaqEntry("f-2", "年费", "终身免年费", List.of("fee"));
        assertThat(FaqPublish.publish(bootstrap, "pub-faqs", "cards", List.of(a, b2), true))
                .as("f-1 unchanged, f-2 changed, f-3 dropped").isEqualTo(new FaqPublish.Result(1, 1, 1));

        Map<String, byte[]> cards = FaqPublish.currentValues(bootstrap, "pub-faqs", "cards");
        assertThat(cards.keySet()).containsExactlyInAnyOrder("cards/f-1", "cards/f-2");
        assertThat(new String(cards.get("cards/f-2"), StandardCharsets.UTF_8)).contains("终身免年费");
        assertThat(FaqPublish.currentValues(bootstrap, "pub-faqs", "loans").keySet())
                .as("another tenant's entries are left alone").containsExactly("loans/f-1");
    }
}
