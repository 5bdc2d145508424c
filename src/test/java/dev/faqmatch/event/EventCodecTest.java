package dev.faqmatch.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.event.InvalidQuestionException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    private static final int MAX_TEXT = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Question parse(String json) throws InvalidQuestionException {
        return EventCodec.parseQuestion(utf8(json), MAX_TEXT, 123L);
    }

    private static InvalidQuestionException reject(byte[] value) {
        InvalidQuestionException e = catchThrowableOfType(InvalidQuestionException.class,
                () -> EventCodec.parseQuestion(value, MAX_TEXT, 0L));
        assertThat(e).as("expected %s to be rejected", value == null ? "null" : new String(value, StandardCharsets.UTF_8))
                .isNotNull();
        return e;
    }

    private static InvalidQuestionException reject(String json) {
        return reject(utf8(json));
    }

    // ---- valid questions ----

    @Test
    void parsesQuestionWithAllOptionalFields() throws Exception {
        Question q = parse("{\"id\":\"q-1\",\"text\":\"怎么还款？\",\"tenant\":\"acme\",\"ts\":1700000000000,\"top_k\":5,"
                + "\"extra\":\"ignored\"}");
        assertThat(q).isEqualTo(new Question("q-1", "怎么还款？", "acme", 1700000000000L, 5, 123L));
    }

    @Test
    void parsesMinimalQuestion() throws Exception {
        Question q = parse("{\"id\":\"q-2\",\"text\":\"hello\"}");
        assertThat(q.tenant()).isNull();
        assertThat(q.ts()).isNull();
        assertThat(q.topK()).isNull();
        assertThat(q.receivedAtMicros()).isEqualTo(123L);
    }

    @Test
    void explicitNullOptionalFieldsAreAbsent() throws Exception {
        Question q = parse("{\"id\":\"q\",\"text\":\"t\",\"tenant\":null,\"ts\":null,\"top_k\":null}");
        assertThat(q.tenant()).isNull();
        assertThat(q.ts()).isNull();
        assertThat(q.topK()).isNull();
    }

    @Test
    void topKBoundsAreInclusive() throws Exception {
        assertThat(parse("{\"id\":\"q\",\"text\":\"t\",\"top_k\":1}").topK()).isEqualTo(1);
        assertThat(parse("{\"id\":\"q\",\"text\":\"t\",\"top_k\":100}").topK()).isEqualTo(100);
    }

    @Test
    void textExactlyAtLimitAccepted() throws Exception {
        // 21 x 3-byte characters + 1 ASCII = 64 bytes
        String text = "问".repeat(21) + "a";
        assertThat(parse("{\"id\":\"q\",\"text\":\"" + text + "\"}").text()).isEqualTo(text);
    }

    // ---- each reason ----

    @Test
    void nullOrEmptyValue() {
        assertThat(reject((byte[]) null).reason()).isEqualTo(Reason.EMPTY_RECORD);
        assertThat(reject(new byte[0]).reason()).isEqualTo(Reason.EMPTY_RECORD);
    }

    @Test
    void invalidUtf8() {
        assertThat(reject(new byte[] {(byte) 0xC3, (byte) 0x28}).reason()).isEqualTo(Reason.INVALID_UTF8);
    }

    @Test
    void truncatedJson() {
        InvalidQuestionException e = reject("{\"id\":\"q\",\"text\":\"hel");
        assertThat(e.reason()).isEqualTo(Reason.INVALID_JSON);
        assertThat(e.getMessage()).startsWith("not valid JSON");
    }

    @Test
    void trailingGarbageIsInvalidJson() {
        assertThat(reject("{\"id\":\"q\",\"text\":\"t\"} {}").reason()).isEqualTo(Reason.INVALID_JSON);
    }

    @Test
    void duplicateKeyIsInvalidJson() {
        InvalidQuestionException e = reject("{\"id\":\"a\",\"text\":\"t\",\"id\":\"b\"}");
        assertThat(e.reason()).isEqualTo(Reason.INVALID_JSON);
        assertThat(e.getMessage()).contains("id");
    }

    @Test
    void arrayIsNotAnObject() {
        assertThat(reject("[{\"id\":\"q\",\"text\":\"t\"}]").reason()).isEqualTo(Reason.NOT_AN_OBJECT);
        assertThat(reject("\"just a string\"").reason()).isEqualTo(Reason.NOT_AN_OBJECT);
    }

    @Test
    void missingId() {
        assertThat(reject("{\"text\":\"t\"}").reason()).isEqualTo(Reason.MISSING_ID);
        assertThat(reject("{\"id\":null,\"text\":\"t\"}").reason()).isEqualTo(Reason.MISSING_ID);
    }

    @Test
    void idNumberIsInvalid() {
        InvalidQuestionException e = reject("{\"id\":42,\"text\":\"t\"}");
        assertThat(e.reason()).isEqualTo(Reason.INVALID_ID);
        assertThat(e.getMessage()).contains("'id'");
    }

    @Test
    void blankIdAndOverlongIdAreInvalid() {
        assertThat(reject("{\"id\":\"  \",\"text\":\"t\"}").reason()).isEqualTo(Reason.INVALID_ID);
        String longId = "x".repeat(257);
        assertThat(reject("{\"id\":\"" + longId + "\",\"text\":\"t\"}").reason()).isEqualTo(Reason.INVALID_ID);
    }

    @Test
    void idOf256CharactersAccepted() throws Exception {
        String id = "x".repeat(256);
        assertThat(parse("{\"id\":\"" + id + "\",\"text\":\"t\"}").id()).isEqualTo(id);
    }

    @Test
    void missingText() {
        assertThat(reject("{\"id\":\"q\"}").reason()).isEqualTo(Reason.MISSING_TEXT);
    }

    @Test
    void whitespaceOnlyTextIsInvalid() {
        InvalidQuestionException e = reject("{\"id\":\"q\",\"text\":\" \\t\\n \"}");
        assertThat(e.reason()).isEqualTo(Reason.INVALID_TEXT);
        assertThat(e.getMessage()).contains("'text'");
    }

    @Test
    void nonStringTextIsInvalid() {
        assertThat(reject("{\"id\":\"q\",\"text\":[\"a\"]}").reason()).isEqualTo(Reason.INVALID_TEXT);
    }

    @Test
    void textOverMaxBytes() {
        // 22 x 3 bytes = 66 bytes > 64, although only 22 characters
        InvalidQuestionException e = reject("{\"id\":\"q\",\"text\":\"" + "问".repeat(22) + "\"}");
        assertThat(e.reason()).isEqualTo(Reason.TEXT_TOO_LONG);
        assertThat(e.getMessage()).contains("66").contains("64").contains("input.max-text-bytes");
    }

    @Test
    void topKZeroIsInvalidField() {
        InvalidQuestionException e = reject("{\"id\":\"q\",\"text\":\"t\",\"top_k\":0}");
        assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(e.getMessage()).contains("'top_k'");
    }

    @Test
    void topKOutOfRangeOrFractionalIsInvalidField() {
        assertThat(reject("{\"id\":\"q\",\"text\":\"t\",\"top_k\":101}").reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(reject("{\"id\":\"q\",\"text\":\"t\",\"top_k\":2.5}").reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(reject("{\"id\":\"q\",\"text\":\"t\",\"top_k\":\"3\"}").reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(reject("{\"id\":\"q\",\"text\":\"t\",\"top_k\":4294967297}").reason()).isEqualTo(Reason.INVALID_FIELD);
    }

    @Test
    void hugeTopKIsInvalidField() {
        assertThat(reject("{\"id\":\"q\",\"text\":\"t\",\"top_k\":18446744073709551617}").reason())
                .isEqualTo(Reason.INVALID_FIELD);
    }

    @Test
    void tsNotAnIntegerIsInvalidField() {
        InvalidQuestionException e = reject("{\"id\":\"q\",\"text\":\"t\",\"ts\":\"abc\"}");
        assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(e.getMessage()).contains("'ts'");
        assertThat(reject("{\"id\":\"q\",\"text\":\"t\",\"ts\":1.5}").reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(reject("{\"id\":\"q\",\"text\":\"t\",\"ts\":99999999999999999999}").reason())
                .isEqualTo(Reason.INVALID_FIELD);
    }

    @Test
    void tenantNotAStringIsInvalidField() {
        InvalidQuestionException e = reject("{\"id\":\"q\",\"text\":\"t\",\"tenant\":7}");
        assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD);
        assertThat(e.getMessage()).contains("'tenant'");
    }

    @Test
    void reasonCodesAreLowerCase() {
        assertThat(Reason.TEXT_TOO_LONG.code()).isEqualTo("text_too_long");
        assertThat(Reason.INVALID_UTF8.code()).isEqualTo("invalid_utf8");
    }

    // ---- dead letters ----

    @Test
    void deadLetterKeepsUtf8PayloadAsTextAndCarriesSource() {
        byte[] value = utf8("{\"id\":\"q\",\"text\":\"问\"");
        RawRecord record = new RawRecord("questions", 3, 42L, 1_700_000_000_000L, utf8("key-1"), value);
        InvalidQuestionException why = reject(value);
        DeadLetter dl = EventCodec.deadLetter(record, why, 999L);
        assertThat(dl.schema()).isEqualTo(1);
        assertThat(dl.reason()).isEqualTo("invalid_json");
        assertThat(dl.detail()).isEqualTo(why.getMessage());
        assertThat(dl.sourceTopic()).isEqualTo("questions");
        assertThat(dl.sourcePartition()).isEqualTo(3);
        assertThat(dl.sourceOffset()).isEqualTo(42L);
        assertThat(dl.sourceTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(dl.key()).isEqualTo("key-1");
        assertThat(dl.keyEncoding()).isEqualTo("utf-8");
        assertThat(dl.payload()).isEqualTo("{\"id\":\"q\",\"text\":\"问\"");
        assertThat(dl.payloadEncoding()).isEqualTo("utf-8");
        assertThat(dl.failedAt()).isEqualTo(999L);
    }

    @Test
    void deadLetterKeepsInvalidUtf8AsBase64() {
        byte[] value = {(byte) 0xC3, (byte) 0x28};
        byte[] key = {(byte) 0xFF};
        RawRecord record = new RawRecord("t", 0, 7L, 0L, key, value);
        DeadLetter dl = EventCodec.deadLetter(record, reject(value), 1L);
        assertThat(dl.reason()).isEqualTo("invalid_utf8");
        assertThat(dl.payloadEncoding()).isEqualTo("base64");
        assertThat(dl.payload()).isEqualTo("wyg=");
        assertThat(Base64.getDecoder().decode(dl.payload())).containsExactly(value);
        assertThat(dl.keyEncoding()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(dl.key())).containsExactly(key);
    }

    @Test
    void deadLetterWithoutKeyOrValueOmitsThem() throws Exception {
        RawRecord record = new RawRecord("t", 1, 2L, 3L, null, null);
        DeadLetter dl = EventCodec.deadLetter(record, reject((byte[]) null), 4L);
        assertThat(dl.reason()).isEqualTo("empty_record");
        assertThat(dl.key()).isNull();
        assertThat(dl.keyEncoding()).isNull();
        assertThat(dl.payload()).isNull();
        assertThat(dl.payloadEncoding()).isNull();
        JsonNode json = JSON.readTree(EventCodec.toJson(dl));
        assertThat(json.has("key")).isFalse();
        assertThat(json.has("payload")).isFalse();
        assertThat(json.get("source_topic").asText()).isEqualTo("t");
        assertThat(json.get("source_partition").asInt()).isEqualTo(1);
        assertThat(json.get("source_offset").asLong()).isEqualTo(2L);
        assertThat(json.get("failed_at").asLong()).isEqualTo(4L);
    }

    @Test
    void deadLetterRoundTrip() throws Exception {
        byte[] value = utf8("[1]");
        DeadLetter dl = EventCodec.deadLetter(new RawRecord("t", 0, 1L, 2L, null, value), reject(value), 5L);
        assertThat(EventCodec.fromJson(EventCodec.toJson(dl), DeadLetter.class)).isEqualTo(dl);
    }

    // ---- embeddings ----

    @Test
    void base64IsLittleEndianFloat32() {
        float[] v = {1.0f, -2.5f, 0.0f, 3.14159f, Float.MIN_VALUE};
        byte[] bytes = Base64.getDecoder().decode(EventCodec.base64(v));
        assertThat(bytes).hasSize(20);
        // 1.0f = 0x3F800000, little-endian: 00 00 80 3F
        assertThat(new byte[] {bytes[0], bytes[1], bytes[2], bytes[3]})
                .containsExactly(0x00, 0x00, 0x80, 0x3F);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] back = new float[v.length];
        buffer.asFloatBuffer().get(back);
        assertThat(back).containsExactly(v);
    }

    @Test
    void base64OfEmptyVector() {
        assertThat(EventCodec.base64(new float[0])).isEmpty();
    }

    // ---- match events ----

    private static MatchEvent event(float[] embedding, String base64) {
        return new MatchEvent(MatchEvent.SCHEMA, "q-1", "怎么还款", "acme", 1700000000000L, "bge-small-zh-v1.5", true,
                List.of(new FaqMatch("f-001", "如何还款？", "在APP里还款。", 0.875f),
                        new FaqMatch("f-002", "提前还款？", "可以。", 0.5f)),
                false, 12.5, 1700000000123L, embedding, base64, "answer", "acme", "0:41");
    }

    @Test
    void matchEventJsonUsesSnakeCase() throws Exception {
        JsonNode json = JSON.readTree(EventCodec.toJson(event(new float[] {0.25f, -0.5f}, null)));
        assertThat(json.get("schema").asInt()).isEqualTo(1);
        assertThat(json.get("id").asText()).isEqualTo("q-1");
        assertThat(json.get("matched").asBoolean()).isTrue();
        assertThat(json.get("latency_ms").asDouble()).isEqualTo(12.5);
        assertThat(json.get("processed_at").asLong()).isEqualTo(1700000000123L);
        assertThat(json.has("latencyMs")).isFalse();
        JsonNode first = json.get("matches").get(0);
        assertThat(first.get("faq_id").asText()).isEqualTo("f-001");
        assertThat(first.get("score").floatValue()).isEqualTo(0.875f);
        assertThat(first.has("faqId")).isFalse();
        assertThat(json.get("embedding").isArray()).isTrue();
        assertThat(json.get("embedding").get(1).floatValue()).isEqualTo(-0.5f);
        assertThat(json.has("embedding_base64")).isFalse();
    }

    @Test
    void matchEventOmitsNullEmbeddingAndTenant() throws Exception {
        MatchEvent e = new MatchEvent(1, "q", "t", null, null, "m", false, List.of(), true, 1.0, 2L, null, null, null, null, null);
        JsonNode json = JSON.readTree(EventCodec.toJson(e));
        assertThat(json.has("embedding")).isFalse();
        assertThat(json.has("embedding_base64")).isFalse();
        assertThat(json.has("tenant")).isFalse();
        assertThat(json.has("ts")).isFalse();
        assertThat(json.get("truncated").asBoolean()).isTrue();
        assertThat(json.get("matches").size()).isZero();
    }

    @Test
    void matchEventRoundTrip() throws Exception {
        float[] embedding = {0.1f, 0.2f, -0.3f};
        MatchEvent original = event(embedding, EventCodec.base64(embedding));
        MatchEvent back = EventCodec.fromJson(EventCodec.toJson(original), MatchEvent.class);
        assertThat(back.schema()).isEqualTo(1);
        assertThat(back.id()).isEqualTo("q-1");
        assertThat(back.text()).isEqualTo("怎么还款");
        assertThat(back.tenant()).isEqualTo("acme");
        assertThat(back.ts()).isEqualTo(1700000000000L);
        assertThat(back.model()).isEqualTo("bge-small-zh-v1.5");
        assertThat(back.matched()).isTrue();
        assertThat(back.matches()).isEqualTo(original.matches());
        assertThat(back.truncated()).isFalse();
        assertThat(back.latencyMs()).isEqualTo(12.5);
        assertThat(back.processedAt()).isEqualTo(1700000000123L);
        assertThat(back.embedding()).containsExactly(embedding);
        assertThat(back.embeddingBase64()).isEqualTo(original.embeddingBase64());
    }

    @Test
    void decodeUtf8() {
        assertThat(EventCodec.decodeUtf8(utf8("问题"))).isEqualTo("问题");
        assertThat(EventCodec.decodeUtf8(new byte[] {(byte) 0xC3, (byte) 0x28})).isNull();
        assertThat(EventCodec.decodeUtf8(new byte[] {(byte) 0xE9, (byte) 0x97})).isNull(); // truncated 3-byte char
    }

    @Test
    void toJsonOfUnserializableThrows() {
        assertThatThrownBy(() -> EventCodec.toJson(new Object()))
                .isInstanceOf(IllegalStateException.class);
    }
}
