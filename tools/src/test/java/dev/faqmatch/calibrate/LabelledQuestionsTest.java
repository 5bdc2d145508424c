package dev.faqmatch.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faqmatch.faq.FaqBankReader;
import dev.faqmatch.faq.FaqEntry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabelledQuestionsTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("q.jsonl");
        Files.writeString(f, text);
        return f;
    }

    /** The sample bank's three labelled sets (demo, development, held out) stay readable against the bank they label. */
    @ParameterizedTest
    @ValueSource(strings = {"questions.jsonl", "dev-questions.jsonl", "holdout-questions.jsonl"})
    void theSampleQuestionSetsLabelEntriesOfTheSampleBank(String name) throws Exception {
        Set<String> ids = FaqBankReader.read(CalibrateOptions.SAMPLE_BANK).stream().map(FaqEntry::id).collect(Collectors.toSet());
        Path copy = dir.resolve(name);
        try (InputStream in = FaqBankReader.class.getResourceAsStream("/samples/" + name)) {
            assertThat(in).as(name).isNotNull();
            Files.copy(in, copy);
        }
        var qs = LabelledQuestions.read(copy, ids);
        assertThat(qs).hasSizeGreaterThan(200);
        assertThat(qs).anyMatch(q -> !q.answerable()).anyMatch(LabelledQuestions.Labelled::answerable);
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
        assertThatThrownBy(() -> LabelledQuestions.read(file("{oops"), Set.of())).hasMessageContaining("line 1: not valid JSON")
                .hasMessageNotContaining("Source"); // the file and line replace Jackson's location
        assertThatThrownBy(() -> LabelledQuestions.read(file("{\"id\":\"q\",\"text\":\"t\",\"text\":\"u\"}"), Set.of()))
                .hasMessageContaining("line 1: not valid JSON (Duplicate field 'text')");
        assertThatThrownBy(() -> LabelledQuestions.read(file("\n"), Set.of())).hasMessageContaining("has no questions");
        assertThatThrownBy(() -> LabelledQuestions.read(dir.resolve("none.jsonl"), Set.of()))
                .hasMessageContaining("does not exist");
    }
}
