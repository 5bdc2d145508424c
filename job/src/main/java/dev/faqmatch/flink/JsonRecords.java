package dev.faqmatch.flink;

import dev.faqmatch.event.EventCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;

/** How the sinks write events: JSON values, keyed so that a question's records share a partition. */
public final class JsonRecords {
    private JsonRecords() {}

    /** Events of {@code type} as JSON to {@code topic}, keyed by {@code key} (no key when it gives null). */
    public static <T> KafkaRecordSerializationSchema<T> to(String topic, Class<T> type,
            SerializableFunction<T, String> key) {
        return KafkaRecordSerializationSchema.<T>builder()
                .setTopic(topic)
                .setKeySerializationSchema(new Key<>(key))
                .setValueSerializationSchema(new Json<>(type))
                .build();
    }

    // Classes rather than lambdas, and the value's type stated: the sink's lineage reads the type
    // of what it writes from the value schema, which a lambda or a bare generic class does not keep.
    private static final class Key<T> implements SerializationSchema<T> {
        private static final long serialVersionUID = 1L;
        private final SerializableFunction<T, String> key;

        Key(SerializableFunction<T, String> key) {
            this.key = key;
        }

        @Override
        public byte[] serialize(T event) {
            String k = key.apply(event);
            return k == null ? null : k.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final class Json<T> implements SerializationSchema<T>, ResultTypeQueryable<T> {
        private static final long serialVersionUID = 1L;
        private final Class<T> type;

        Json(Class<T> type) {
            this.type = type;
        }

        @Override
        public TypeInformation<T> getProducedType() {
            return TypeInformation.of(type);
        }

        @Override
        public byte[] serialize(T event) {
            return EventCodec.toJson(event);
        }
    }
}
