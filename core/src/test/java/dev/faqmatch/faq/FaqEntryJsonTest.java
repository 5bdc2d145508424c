package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fields of an entry, as bank files and FAQ records carry them. */
class FaqEntryJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FaqEntry read(String json) throws Exception {
        return FaqEntryJson.read(JSON.readTree(json));
    }

    private static void rejects(String json, String detail) {
        assertThatThrownBy(() -> read(json)).isInstanceOf(FaqEntryJson.InvalidEntryException.class)
                .hasMessageContaining(detail);
    }

    private static String entry(String extra) {
        return "{\"id\":\"f-1\",\"question\":\"怎么提额\",\"answer\":\"在APP申请\"" + extra + "}";
    }

    @Test
    void similarQuestionsCounterExamplesAndKindReadAndWriteBack() throws Exception {
        FaqEntry e = read(entry(",\"similar\":[\" 额度太低了 \",\"想提高额度\"],\"not_similar\":[\"额度怎么降低\"]"));
        assertThat(e.similar()).containsExactly("额度太低了", "想提高额度");
        assertThat(e.notSimilar()).containsExactly("额度怎么降低");
        assertThat(e.phrasings()).containsExactly("怎么提额", "额度太低了", "想提高额度");
        assertThat(e.kind()).isEqualTo(FaqEntry.Kind.FAQ);
        assertThat(FaqEntryJson.read(FaqEntryJson.write(e, JSON.createObjectNode()))).isEqualTo(e);

        FaqEntry chat = read("{\"id\":\"oos-1\",\"kind\":\"out_of_scope\",\"question\":\"你好\",\"similar\":[\"在吗\"]}");
        assertThat(chat.outOfScope()).isTrue();
        assertThat(chat.answer()).isEmpty();
        assertThat(FaqEntryJson.read(FaqEntryJson.write(chat, JSON.createObjectNode()))).isEqualTo(chat);
    }

    @Test
    void wrongTypesSayWhichField() {
        rejects(entry(",\"similar\":\"额度太低了\""), "'similar' must be an array of strings");
        rejects(entry(",\"similar\":[\"a\",2]"), "'similar' must be an array of strings; item 2 is number");
        rejects(entry(",\"not_similar\":[null]"), "'not_similar' must be an array of strings; item 1 is null");
        rejects(entry(",\"kind\":\"chitchat\""), "'kind' must be \"faq\" or \"out_of_scope\"");
        rejects(entry(",\"kind\":1"), "'kind'");
        rejects("{\"id\":\"f-1\",\"question\":\"q\"}", "'answer' is missing");
    }

    @Test
    void emptyTooLongTooManyAndRepeatedPhrasingsAreRejected() {
        rejects(entry(",\"similar\":[\"  \"]"), "'similar' item 1 is empty");
        rejects(entry(",\"similar\":[\"" + "长".repeat(FaqEntryJson.MAX_PHRASING_CHARS + 1) + "\"]"),
                "'similar' item 1 has 257 characters, more than 256");
        String many = "[" + String.join(",", Collections.nCopies(FaqEntryJson.MAX_SIMILAR + 1, "\"x\"")) + "]";
        rejects(entry(",\"similar\":" + many), "'similar' has 201 items, more than 200");
        rejects(entry(",\"similar\":[\"怎么提额\"]"), "'similar' item 1 '怎么提额' repeats the question");
        rejects(entry(",\"similar\":[\"a\",\"a\"]"), "'similar' item 2 'a' repeats");
        rejects(entry(",\"similar\":[\"a\"],\"not_similar\":[\"a\"]"), "'not_similar' item 1 'a' is also");
        rejects(entry(",\"not_similar\":[\"b\",\"b\"]"), "'not_similar' item 2 'b' is repeated");
    }

    @Test
    void anAnswerableEntryWithoutVariantsIsTheOldShape() throws Exception {
        assertThat(read(entry(""))).isEqualTo(new FaqEntry("f-1", "怎么提额", "在APP申请", List.of()));
    }
}
