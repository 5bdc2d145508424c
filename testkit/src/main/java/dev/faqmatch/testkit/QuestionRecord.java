package dev.faqmatch.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A question event as a producer publishes it (README "Events"): JSON value, key = the id.
 * {@code QuestionRecord.of("q-1", "怎么还款").tenant("cards").toRecord(Topics.QUESTIONS)}.
 */
public final class QuestionRecord {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final ObjectNode json;
    private final String id;

    private QuestionRecord(String id, String text) {
        this.id = id;
        this.json = MAPPER.createObjectNode().put("id", id).put("text", text);
    }

    public static QuestionRecord of(String id, String text) {
        return new QuestionRecord(id, text);
    }

    public QuestionRecord tenant(String tenant) {
        json.put("tenant", tenant);
        return this;
    }

    /** Event time, epoch milliseconds. */
    public QuestionRecord ts(long ts) {
        json.put("ts", ts);
        return this;
    }

    public QuestionRecord topK(int topK) {
        json.put("top_k", topK);
        return this;
    }

    public String json() {
        return json.toString();
    }

    public byte[] value() {
        return json().getBytes(StandardCharsets.UTF_8);
    }

    public byte[] key() {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    public ProducerRecord<byte[], byte[]> toRecord(String topic) {
        return new ProducerRecord<>(topic, key(), value());
    }
}
