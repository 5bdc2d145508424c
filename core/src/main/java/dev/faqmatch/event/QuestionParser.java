package dev.faqmatch.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faqmatch.event.InvalidQuestionException.Reason;
import dev.faqmatch.io.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a question event from a Kafka record's value and validates it field by field; every way
 * a record can fail has its own {@link Reason}, which its dead letter carries. Thread-safe.
 */
public final class QuestionParser {
    public static final int MAX_ID_LENGTH = 256;
    /** The most matches a question may ask for with {@code top_k} (and the limit of match.top-k). */
    public static final int MAX_TOP_K = 100;

    private QuestionParser() {}

    /**
     * Parses and validates a question event.
     *
     * @param maxTextBytes longest accepted text in UTF-8 bytes
     * @throws InvalidQuestionException with the reason when the record is not a valid question
     */
    public static Question parse(byte[] value, int maxTextBytes, long receivedAtMicros)
            throws InvalidQuestionException {
        if (value == null || value.length == 0) {
            throw new InvalidQuestionException(Reason.EMPTY_RECORD, "the record has no value");
        }
        String json = EventCodec.decodeUtf8(value);
        if (json == null) {
            throw new InvalidQuestionException(Reason.INVALID_UTF8, "the value is not valid UTF-8");
        }
        if (json.startsWith("\uFEFF")) {
            json = json.substring(1); // byte-order mark of producers that write UTF-8 with one
        }
        JsonNode root;
        try {
            root = StrictJson.read(json);
        } catch (IOException e) {
            throw new InvalidQuestionException(Reason.INVALID_JSON, "not valid JSON: " + StrictJson.describe(e));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidQuestionException(Reason.NOT_AN_OBJECT,
                    "expected a JSON object with 'id' and 'text', got " + (root == null ? "nothing" : root.getNodeType()));
        }
        String id = requiredText(root, "id", Reason.MISSING_ID, Reason.INVALID_ID);
        if (id.length() > MAX_ID_LENGTH) {
            throw new InvalidQuestionException(Reason.INVALID_ID, "'id' is longer than " + MAX_ID_LENGTH + " characters");
        }
        String text = requiredText(root, "text", Reason.MISSING_TEXT, Reason.INVALID_TEXT);
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxTextBytes) {
            throw new InvalidQuestionException(Reason.TEXT_TOO_LONG, "'text' has " + bytes
                    + " UTF-8 bytes, more than input.max-text-bytes (" + maxTextBytes + ")");
        }
        String tenant = null;
        JsonNode tenantNode = root.get("tenant");
        if (tenantNode != null && !tenantNode.isNull()) {
            if (!tenantNode.isTextual()) {
                throw new InvalidQuestionException(Reason.INVALID_FIELD, "'tenant' must be a string");
            }
            tenant = tenantNode.asText();
        }
        Long ts = null;
        JsonNode tsNode = root.get("ts");
        if (tsNode != null && !tsNode.isNull()) {
            if (!tsNode.canConvertToExactIntegral() || !tsNode.canConvertToLong()) {
                throw new InvalidQuestionException(Reason.INVALID_FIELD, "'ts' must be an integer (epoch milliseconds)");
            }
            ts = tsNode.asLong();
        }
        Integer topK = null;
        JsonNode topKNode = root.get("top_k");
        if (topKNode != null && !topKNode.isNull()) {
            if (!topKNode.canConvertToExactIntegral() || !topKNode.canConvertToInt() || topKNode.asInt() < 1
                    || topKNode.asInt() > MAX_TOP_K) {
                throw new InvalidQuestionException(Reason.INVALID_FIELD, "'top_k' must be an integer from 1 to " + MAX_TOP_K);
            }
            topK = topKNode.asInt();
        }
        return new Question(id, text, tenant, ts, topK, receivedAtMicros);
    }

    private static String requiredText(JsonNode root, String field, Reason missing, Reason invalid)
            throws InvalidQuestionException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidQuestionException(missing, "'" + field + "' is missing");
        }
        if (!node.isTextual()) {
            throw new InvalidQuestionException(invalid, "'" + field + "' must be a string, got " + node.getNodeType());
        }
        String value = node.asText();
        if (value.isBlank()) {
            throw new InvalidQuestionException(invalid, "'" + field + "' is empty or only whitespace");
        }
        return value;
    }
}
