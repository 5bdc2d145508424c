package dev.faqmatch.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;

/** Question records for the event tests: as producers write them, and the rejections they earn. */
final class EventFixtures {
    static final int MAX_TEXT = 64;

    private EventFixtures() {}

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Question parse(String json) throws InvalidQuestionException {
        return QuestionParser.parse(utf8(json), MAX_TEXT, 123L);
    }

    static InvalidQuestionException reject(byte[] value) {
        InvalidQuestionException e = catchThrowableOfType(InvalidQuestionException.class,
                () -> QuestionParser.parse(value, MAX_TEXT, 0L));
        assertThat(e).as("expected %s to be rejected", value == null ? "null" : new String(value, StandardCharsets.UTF_8))
                .isNotNull();
        return e;
    }

    static InvalidQuestionException reject(String json) {
        return reject(utf8(json));
    }

    // ---- valid questions ----
}
