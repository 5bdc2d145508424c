package dev.faqmatch.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledQuestionsTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("q.jsonl");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void readsLabelledAndUnanswerableQuestions() throws Exception {
        var qs = LabelledQuestions.read(file("""
                # labelled
                {"id":"q-1","text":"卡丢了咋办","expected_faq_id":"f-1"}
                {"id":"q-2","text":"讲个笑话","expected_faq_id":null}

                {"id":"q-3","text":"今天几号"}
                """), Set.of("f-1"));
        assertThat(qs).extracting(LabelledQuestions.Labelled::expected).containsExactly("f-1", null, null);
        assertThat(qs.get(0).answerable()).isTrue();
    }

    @Test
    void aBadLineSaysWhereAndWhat() throws Exception {
        assertThatThrownBy(() -> LabelledQuestions.read(file("{\"id\":\"q\",\"text\":\"t\",\"expected_faq_id\":\"f-9\"}"),
                Set.of("f-1"))).hasMessageContaining("line 1").hasMessageContaining("'f-9' is not an entry of the bank");
        assertThatThrownBy(() -> LabelledQuestions.read(file("{\"id\":\"q\"}"), Set.of()))
                .hasMessageContaining("line 1: 'text' must be a non-empty string");
        assertThatThrownBy(() -> LabelledQuestions.read(file("{\"id\":\"q\",\"text\":\"t\"}\n{\"id\":\"q\",\"text\":\"u\"}"),
                Set.of())).hasMessageContaining("line 2: duplicate id 'q'");
        assertThatThrownBy(() -> LabelledQuestions.read(file("{oops"), Set.of())).hasMessageContaining("line 1: not valid JSON");
        assertThatThrownBy(() -> LabelledQuestions.read(file("\n"), Set.of())).hasMessageContaining("has no questions");
        assertThatThrownBy(() -> LabelledQuestions.read(dir.resolve("none.jsonl"), Set.of()))
                .hasMessageContaining("does not exist");
    }
}
