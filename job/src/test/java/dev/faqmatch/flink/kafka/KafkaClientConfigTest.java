package dev.faqmatch.flink.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faqmatch.config.ConfigException;
import dev.faqmatch.config.MatcherConfig;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClientConfigTest {
    private static MatcherConfig config(Map<String, String> settings) {
        return MatcherConfig.fromMap(settings);
    }

    @Test
    void everyClientGetsTheUsersPropertiesAndTheJobsSettings() {
        MatcherConfig c = config(Map.of("kafka.bootstrap-servers", "broker:9093", "kafka.group-id", "g",
                "kafka.client.security.protocol", "SSL", "kafka.client.batch.size", "1024",
                "kafka.client.transaction.timeout.ms", "600000"));
        Properties consumer = KafkaClientConfig.consumer(c, "g-faqs");
        assertThat(consumer).containsEntry("bootstrap.servers", "broker:9093").containsEntry("group.id", "g-faqs")
                .containsEntry("security.protocol", "SSL");
        Properties producer = KafkaClientConfig.producer(c);
        assertThat(producer).containsEntry("bootstrap.servers", "broker:9093").containsEntry("security.protocol", "SSL")
                .as("the user's values win over the job's defaults")
                .containsEntry("batch.size", "1024").containsEntry("transaction.timeout.ms", "600000")
                .containsEntry("linger.ms", KafkaClientConfig.EXACTLY_ONCE_LINGER_MS);
        assertThat(KafkaClientConfig.admin(c)).containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("security.protocol", "SSL").doesNotContainKey("group.id");
    }

    @Test
    void withoutTheUsersValuesTheJobsDefaultsApply() {
        Properties producer = KafkaClientConfig.producer(config(Map.of("delivery.guarantee", "at-least-once")));
        assertThat(producer).containsEntry("transaction.timeout.ms", KafkaClientConfig.TRANSACTION_TIMEOUT_MS)
                .containsEntry("batch.size", KafkaClientConfig.BATCH_SIZE).doesNotContainKey("linger.ms");
    }

    @Test
    void aKeyTheJobOwnsIsRefusedNamingItsSetting() {
        assertThatThrownBy(() -> KafkaClientConfig.consumer(config(Map.of("kafka.client.group.id", "x")), "g"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Setting 'kafka.client.group.id' is not allowed: the job sets 'group.id' itself (where to set"
                        + " it: setting 'kafka.group-id').");
        assertThatThrownBy(() -> KafkaClientConfig.admin(config(Map.of("kafka.client.bootstrap.servers", "b:1"))))
                .hasMessageContaining("'kafka.bootstrap-servers'");
        assertThatThrownBy(() -> KafkaClientConfig.producer(config(Map.of("kafka.client.transactional.id", "t"))))
                .hasMessageContaining("'kafka.transactional-id-prefix'");
        assertThatThrownBy(() -> KafkaClientConfig.producer(config(Map.of("kafka.client.value.serializer", "x"))))
                .hasMessageContaining("the job writes its own JSON");
    }
}
