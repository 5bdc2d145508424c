package dev.faqmatch.flink.kafka;

import dev.faqmatch.event.EventCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * How the sinks write events: JSON values, keyed so that a question's records share a partition.
 *
 * <p>Not the connector's {@code KafkaRecordSerializationSchema.builder()}: its records carry the
 * Flink element's timestamp, here the question's Kafka timestamp, so every match event would be
 * stamped with the time its question was published. An output record is stamped when it is
 * written (the broker's and consumers' usual reading, and what the benchmark's latency uses).
 */
public final class JsonRecords<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, String> key;

    private JsonRecords(String topic, SerializableFunction<T, String> key) {
        this.topic = topic;
        this.key = key;
    }

    /** Events as JSON to {@code topic}, keyed by {@code key} (no key when it gives null). */
    public static <T> KafkaRecordSerializationSchema<T> to(String topic, SerializableFunction<T, String> key) {
        return new JsonRecords<>(topic, key);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T event, KafkaSinkContext context, Long timestamp) {
        String k = key.apply(event);
        return new ProducerRecord<>(topic, null, null, k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                EventCodec.toJson(event));
    }
}
