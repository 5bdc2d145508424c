package dev.faqmatch.event;

import static dev.faqmatch.event.EventFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.event.InvalidQuestionException.Reason;
import org.junit.jupiter.api.Test;

class QuestionParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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
}
