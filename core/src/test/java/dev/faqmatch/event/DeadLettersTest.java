package dev.faqmatch.event;

import static dev.faqmatch.event.EventFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void deadLetterKeepsUtf8PayloadAsTextAndCarriesSource() {
        byte[] value = utf8("{\"id\":\"q\",\"text\":\"问\"");
        RawRecord record = new RawRecord("questions", 3, 42L, 1_700_000_000_000L, utf8("key-1"), value);
        InvalidQuestionException why = reject(value);
        DeadLetter dl = DeadLetters.of(record, why, 999L);
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
        DeadLetter dl = DeadLetters.of(record, reject(value), 1L);
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
        DeadLetter dl = DeadLetters.of(record, reject((byte[]) null), 4L);
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
        DeadLetter dl = DeadLetters.of(new RawRecord("t", 0, 1L, 2L, null, value), reject(value), 5L);
        assertThat(EventCodec.fromJson(EventCodec.toJson(dl), DeadLetter.class)).isEqualTo(dl);
    }

    // ---- embeddings ----
}
