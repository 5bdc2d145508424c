package dev.faqmatch.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.event.InvalidQuestionException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** JSON of the events: questions in, match events and dead letters out. Thread-safe. */
public final class EventCodec {
    public static final int MAX_ID_LENGTH = 256;
    public static final int MAX_TOP_K = 100;
    public static final String UTF8 = "utf-8";
    public static final String BASE64 = "base64";

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
                    // shortest round-trip digits (Schubfach) for the embedding's floats: faster than
                    // Float.toString on Java 17, the largest cost of writing a match event
                    .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private EventCodec() {}

    /**
     * Parses and validates a question event.
     *
     * @param maxTextBytes longest accepted text in UTF-8 bytes
     * @throws InvalidQuestionException with the reason when the record is not a valid question
     */
    public static Question parseQuestion(byte[] value, int maxTextBytes, long receivedAtMicros)
            throws InvalidQuestionException {
        if (value == null || value.length == 0) {
            throw new InvalidQuestionException(Reason.EMPTY_RECORD, "the record has no value");
        }
        String json = decodeUtf8(value);
        if (json == null) {
            throw new InvalidQuestionException(Reason.INVALID_UTF8, "the value is not valid UTF-8");
        }
        if (json.startsWith("\uFEFF")) {
            json = json.substring(1); // byte-order mark of producers that write UTF-8 with one
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new InvalidQuestionException(Reason.INVALID_JSON, "not valid JSON: " + detail);
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

    /** A dead letter for {@code record}, keeping its key and value byte for byte. */
    public static DeadLetter deadLetter(RawRecord record, InvalidQuestionException why, long now) {
        return deadLetter(record, why, now, Integer.MAX_VALUE);
    }

    /**
     * A dead letter for {@code record} with at most {@code maxPayloadBytes} of its value, so that a
     * huge bad record still fits in a Kafka record; the key is kept whole.
     */
    public static DeadLetter deadLetter(RawRecord record, InvalidQuestionException why, long now, int maxPayloadBytes) {
        Encoded key = encode(record.key(), Integer.MAX_VALUE);
        Encoded payload = encode(record.value(), maxPayloadBytes);
        return new DeadLetter(DeadLetter.SCHEMA, why.reason().code(), why.getMessage(), record.topic(),
                record.partition(), record.offset(), record.timestamp(), key.text(), key.encoding(), payload.text(),
                payload.encoding(), record.value() == null ? null : record.value().length,
                payload.truncated() ? Boolean.TRUE : null, now);
    }

    private record Encoded(String text, String encoding, boolean truncated) {}

    /**
     * UTF-8 text when the bytes are UTF-8, else base64; cut so that the field takes at most
     * {@code max} bytes in the JSON (escapes included: a string of control characters grows six-fold).
     */
    private static Encoded encode(byte[] bytes, int max) {
        if (bytes == null) {
            return new Encoded(null, null, false);
        }
        String text = decodeUtf8(bytes);
        if (text != null) {
            int keep = jsonPrefix(text, max);
            return new Encoded(text.substring(0, keep), UTF8, keep < text.length());
        }
        int fits = max / 4 * 3; // base64 writes 4 characters per 3 bytes
        boolean truncated = bytes.length > fits;
        return new Encoded(Base64.getEncoder().encodeToString(truncated ? Arrays.copyOf(bytes, fits) : bytes), BASE64,
                truncated);
    }

    /** Length of the longest prefix of {@code text} that Jackson writes in at most {@code max} bytes. */
    private static int jsonPrefix(String text, int max) {
        long size = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int width;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (size + 4 > max) {
                    return i;
                }
                size += 4;
                i++;
                continue;
            } else if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
                width = 2;
            } else if (c < 0x20) {
                width = 6;
            } else if (c < 0x80) {
                width = 1;
            } else if (c < 0x800) {
                width = 2;
            } else {
                width = 3;
            }
            if (size + width > max) {
                return i;
            }
            size += width;
        }
        return text.length();
    }

    /** Base64 of the vector as little-endian float32, the layout numpy's {@code frombuffer('<f4')} reads. */
    public static String base64(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    public static byte[] toJson(Object event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + event.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static <T> T fromJson(byte[] json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    /** The text, or null when the bytes are not valid UTF-8. */
    static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
