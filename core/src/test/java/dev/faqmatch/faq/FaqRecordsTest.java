package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faqmatch.event.InvalidQuestionException;
import dev.faqmatch.event.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaqRecordsTest {
    private static RawRecord record(String key, String value) {
        return new RawRecord("faqs", 0, 7, 1000, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static FaqUpdate parse(String key, String value) throws InvalidQuestionException {
        return FaqRecords.parse(record(key, value), 1000);
    }

    private static void rejects(String key, String value, String detail) {
        assertThatThrownBy(() -> parse(key, value)).isInstanceOf(InvalidQuestionException.class)
                .hasMessageContaining(detail)
                .satisfies(e -> assertThat(((InvalidQuestionException) e).reason().code()).isEqualTo("invalid_faq"));
    }

    @Test
    void anUpsertAndATombstone() throws Exception {
        FaqUpdate u = parse("cards/f-12", "{\"schema\":1,\"tenant\":\"cards\",\"id\":\"f-12\",\"question\":\"怎么提额\","
                + "\"answer\":\"在APP申请\",\"tags\":[\"额度\"]}");
        assertThat(u.entry()).isEqualTo(new FaqEntry("f-12", "怎么提额", "在APP申请", List.of("额度")));
        assertThat(u.key()).isEqualTo("cards/f-12");
        assertThat(u.offset()).isEqualTo(7);
        FaqUpdate d = parse("cards/f-12", null);
        assertThat(d.isDelete()).isTrue();
        assertThat(d.tenant()).isEqualTo("cards");
    }

    @Test
    void whatPublishWritesParsesBackAndStateRoundTrips() throws Exception {
        FaqEntry e = new FaqEntry("f/1", "问题", "答案", List.of("a", "b"));
        byte[] json = FaqRecords.upsertJson("loans", e);
        FaqUpdate u = FaqRecords.parse(new RawRecord("faqs", 1, 3, 5, FaqRecords.key("loans", "f/1")
                .getBytes(StandardCharsets.UTF_8), json), 1000);
        assertThat(u.entry()).isEqualTo(e);
        FaqUpdate back = FaqRecords.fromState(FaqRecords.toState(u));
        assertThat(back.entry()).isEqualTo(e);
        assertThat(back.partition()).isEqualTo(1);
        assertThat(back.offset()).isEqualTo(3);
        assertThat(FaqRecords.fromState(FaqRecords.toState(parse("cards/x", null))).isDelete()).isTrue();
    }

    @Test
    void badRecordsSayWhatIsWrong() {
        String ok = "{\"tenant\":\"cards\",\"id\":\"f-1\",\"question\":\"q\",\"answer\":\"a\"}";
        rejects(null, ok, "key");
        rejects("cards", ok, "not 'tenant/faq_id'");
        rejects("bad tenant/f-1", ok, "not 'tenant/faq_id'");
        rejects("cards/", null, "not 'tenant/faq_id'");
        rejects("cards/f-2", ok, "does not match");
        rejects("loans/f-1", ok, "does not match");
        rejects("cards/f-1", "{\"tenant\":\"cards\",\"id\":\"f-1\",\"answer\":\"a\"}", "'question' is missing");
        rejects("cards/f-1", "{\"tenant\":\"cards\",\"id\":\"f-1\",\"question\":\" \",\"answer\":\"a\"}", "'question'");
        rejects("cards/f-1", "{\"tenant\":\"cards\",\"id\":\"f-1\",\"question\":\"q\",\"answer\":\"a\",\"tags\":[1]}", "tags");
        rejects("cards/f-1", "{\"schema\":2,\"tenant\":\"cards\",\"id\":\"f-1\",\"question\":\"q\",\"answer\":\"a\"}", "schema");
        rejects("cards/f-1", "{\"tenant\":\"cards\"", "not valid JSON");
        rejects("cards/f-1", "[1]", "JSON object");
        rejects("cards/f-1", "{\"tenant\":\"cards\",\"id\":\"f-1\",\"question\":\"" + "长".repeat(400) + "\",\"answer\":\"a\"}",
                "faq.max-record-bytes");
        assertThatThrownBy(() -> FaqRecords.parse(new RawRecord("faqs", 0, 0, 0, "cards/f-1".getBytes(StandardCharsets.UTF_8),
                new byte[] {'{', (byte) 0xC3, (byte) 0x28}), 1000)).hasMessageContaining("UTF-8");
    }
}
