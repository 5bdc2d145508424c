package dev.faqmatch.event;

import static dev.faqmatch.event.EventFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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
        return MatchEvent.builder("q-1")
                .question("怎么还款", "acme", 1700000000000L)
                .model("bge-small-zh-v1.5")
                .matches(List.of(new FaqMatch("f-001", "如何还款？", "在APP里还款。", 0.875f),
                        new FaqMatch("f-002", "提前还款？", "可以。", 0.5f)), true)
                .processed(1700000000123L, 12.5)
                .embedding(embedding)
                .embeddingBase64(base64)
                .route("answer")
                .bank("acme", "0:41")
                .build();
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
        MatchEvent e = MatchEvent.builder("q").question("t", null, null).model("m").truncated(true).processed(2L, 1.0)
                .build();
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
