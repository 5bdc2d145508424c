package dev.faqmatch.flink;

import dev.faqmatch.config.MatcherConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * What an operator needs to ask Kafka itself (not through a source or sink): the brokers, the
 * user's client properties (security among them, as the connectors get them) and how long to wait.
 */
public record KafkaAccess(String bootstrapServers, Map<String, String> clientProperties, Duration timeout)
        implements Serializable {
    public KafkaAccess {
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaAccess from(MatcherConfig config) {
        return new KafkaAccess(config.get(MatcherConfig.BOOTSTRAP_SERVERS), KafkaClientConfig.user(config),
                config.get(MatcherConfig.KAFKA_STARTUP_TIMEOUT));
    }

    /** Client properties for an admin client or consumer of these brokers. */
    public Properties properties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(org.apache.kafka.clients.CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }
}
