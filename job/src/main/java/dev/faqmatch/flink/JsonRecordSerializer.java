package dev.faqmatch.flink;

import dev.faqmatch.event.EventCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes events as JSON to one topic, keyed so that a question's records share a partition. */
public final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, String> key;

    public JsonRecordSerializer(String topic, SerializableFunction<T, String> key) {
        this.topic = topic;
        this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T event, KafkaSinkContext context, Long timestamp) {
        String k = key.apply(event);
        return new ProducerRecord<>(topic, null, k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                EventCodec.toJson(event));
    }
}
