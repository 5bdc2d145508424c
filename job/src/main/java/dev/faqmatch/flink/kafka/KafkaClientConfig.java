package dev.faqmatch.flink.kafka;

import dev.faqmatch.config.ConfigException;
import dev.faqmatch.config.MatcherConfig;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The properties of every Kafka client the job makes (the sources, the sinks, the admin clients of
 * the start-up check and the FAQ topic), built in one place and in one order: the user's
 * {@code kafka.client.*} first, then what the job's own settings say. A {@code kafka.client.*} key
 * that one of those settings owns is refused, naming the setting, rather than winning in one
 * client and losing in another.
 */
public final class KafkaClientConfig {
    /** Client keys that the job sets itself, and where a user sets them instead. */
    private static final Map<String, String> RESERVED = Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "setting '" + MatcherConfig.BOOTSTRAP_SERVERS.key() + "'",
            ConsumerConfig.GROUP_ID_CONFIG, "setting '" + MatcherConfig.GROUP_ID.key() + "'",
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "setting '" + MatcherConfig.TRANSACTIONAL_ID_PREFIX.key() + "'",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "none: the job reads records as bytes",
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "none: the job reads records as bytes",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "none: the job writes its own JSON",
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "none: the job writes its own JSON");

    /**
     * Kafka only accepts transactions up to the broker's transaction.max.timeout.ms (15 min by
     * default), and Flink's connector asks for an hour unless told; a user's
     * {@code kafka.client.transaction.timeout.ms} (for a broker that allows another) wins.
     */
    static final String TRANSACTION_TIMEOUT_MS = Long.toString(TimeUnit.MINUTES.toMillis(15));
    /**
     * A match event is ~6 KB with its embedding as JSON: Kafka's 16 KB default batch held two, so
     * the sink sent a request per two events and the broker's CPU per question was a quarter of a
     * model run (docs/BENCHMARKS.md). Exactly-once output is visible only at the checkpoint anyway,
     * so lingering costs it nothing. A user's {@code kafka.client.*} wins.
     */
    static final String BATCH_SIZE = "524288";
    static final String EXACTLY_ONCE_LINGER_MS = "100";

    private KafkaClientConfig() {}

    /** The user's {@code kafka.client.*} properties, checked against the keys the job owns. */
    public static Map<String, String> user(MatcherConfig config) {
        Map<String, String> user = config.kafkaClientProperties();
        for (String key : new TreeMap<>(user).keySet()) {
            String owner = RESERVED.get(key);
            if (owner != null) {
                throw new ConfigException("Setting '" + MatcherConfig.KAFKA_CLIENT_PREFIX + key + "' is not allowed: the job"
                        + " sets '" + key + "' itself (where to set it: " + owner + ").");
            }
        }
        return user;
    }

    /** A consumer of the job's brokers in consumer group {@code groupId}. */
    public static Properties consumer(MatcherConfig config, String groupId) {
        Properties props = common(config);
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        return props;
    }

    /** A producer of the sinks: the job's batching and transaction defaults under the user's properties. */
    public static Properties producer(MatcherConfig config) {
        Properties props = common(config);
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE);
        if (config.get(MatcherConfig.DELIVERY) == MatcherConfig.Delivery.EXACTLY_ONCE) {
            props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, EXACTLY_ONCE_LINGER_MS);
        }
        return props;
    }

    /** An admin client of the job's brokers (the start-up check). */
    public static Properties admin(MatcherConfig config) {
        return common(config);
    }

    private static Properties common(MatcherConfig config) {
        Properties props = new Properties();
        props.putAll(user(config));
        props.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.get(MatcherConfig.BOOTSTRAP_SERVERS));
        return props;
    }
}
