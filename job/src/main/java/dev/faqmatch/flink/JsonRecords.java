package dev.faqmatch.flink;

import dev.faqmatch.event.EventCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;

/** How the sinks write events: JSON values, keyed so that a question's records share a partition. */
public final class JsonRecords {
    private JsonRecords() {}

    /** Events as JSON to {@code topic}, keyed by {@code key} (no key when it gives null). */
    public static <T> KafkaRecordSerializationSchema<T> to(String topic, SerializableFunction<T, String> key) {
        return KafkaRecordSerializationSchema.<T>builder()
                .setTopic(topic)
                .setKeySerializationSchema(event -> {
                    String k = key.apply(event);
                    return k == null ? null : k.getBytes(StandardCharsets.UTF_8);
                })
                .setValueSerializationSchema(EventCodec::toJson)
                .build();
    }
}
