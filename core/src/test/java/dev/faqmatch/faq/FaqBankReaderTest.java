package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaqBankReaderTest {

    private static List<FaqEntry> read(String text) throws IOException {
        return FaqBankReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "bank.jsonl");
    }

    @Test
    void readsEntriesSkippingBlankAndCommentLines() throws IOException {
        List<FaqEntry> entries = read("""
                # FAQ bank for tests

                {"id": "f1", "question": "如何修改密码？", "answer": "在设置里修改。", "tags": ["account", "password"]}
                   # indented comment
                {"id": " f2 ", "question": "  How do I repay?  ", "answer": "Use the app."}
                \t
                """);
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0)).isEqualTo(
                new FaqEntry("f1", "如何修改密码？", "在设置里修改。", List.of("account", "password")));
        // Fields are stripped; tags default to empty.
        assertThat(entries.get(1).id()).isEqualTo("f2");
        assertThat(entries.get(1).question()).isEqualTo("How do I repay?");
        assertThat(entries.get(1).tags()).isEmpty();
    }

    @Test
    void nullTagsAreEmpty() throws IOException {
        List<FaqEntry> entries = read("{\"id\":\"a\",\"question\":\"q\",\"answer\":\"x\",\"tags\":null}");
        assertThat(entries.get(0).tags()).isEmpty();
    }

    @Test
    void duplicateIdNamesBothLines() {
        String bank = """
                {"id": "f1", "question": "q1", "answer": "a1"}
                # comment
                {"id": "f2", "question": "q2", "answer": "a2"}
                {"id": "f1", "question": "q3", "answer": "a3"}
                """;
        assertThatThrownBy(() -> read(bank))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("bank.jsonl")
                .hasMessageContaining("line 4")
                .hasMessageContaining("first on line 1")
                .hasMessageContaining("'f1'");
    }

    @Test
    void missingAnswerNamesFieldAndLine() {
        String bank = """
                {"id": "f1", "question": "q1", "answer": "a1"}
                {"id": "f2", "question": "q2"}
                """;
        assertThatThrownBy(() -> read(bank))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("'answer'");
    }

    @Test
    void blankQuestionRejected() {
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"question\":\"   \",\"answer\":\"x\"}"))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("'question'");
    }

    @Test
    void numericIdRejected() {
        assertThatThrownBy(() -> read("{\"id\":7,\"question\":\"q\",\"answer\":\"x\"}"))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("'id'");
    }

    @Test
    void notJsonNamesLineNumber() {
        String bank = """
                # header

                {"id": "f1", "question": "q1", "answer": "a1"}
                {"id": "f2", "question": "q2", "answer":
                """;
        assertThatThrownBy(() -> read(bank))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("bank.jsonl line 4")
                .hasMessageContaining("not valid JSON")
                // Jackson's own location ("[Source: ...; line: 1, column: 42]") would contradict "line 4"
                .hasMessageNotContaining("Source")
                .hasMessageNotContaining("line: 1");
    }

    @Test
    void duplicateKeyRejectedAsOnTheFaqTopic() {
        // Last-one-wins would make a bank file line mean something the same record on the FAQ topic is rejected for.
        assertThatThrownBy(() -> read("{\"id\":\"f1\",\"question\":\"q1\",\"answer\":\"a\",\"question\":\"q2\"}"))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("bank.jsonl line 1: not valid JSON (Duplicate field 'question')");
    }

    @Test
    void dataAfterTheObjectRejected() {
        assertThatThrownBy(() -> read("{\"id\":\"f1\",\"question\":\"q1\",\"answer\":\"a\"} {\"id\":\"f2\"}"))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("bank.jsonl line 1: not valid JSON");
    }

    @Test
    void nonObjectLineRejected() {
        assertThatThrownBy(() -> read("[\"f1\", \"q\", \"a\"]"))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("JSON object");
    }

    @Test
    void emptyBankRejected() {
        assertThatThrownBy(() -> read("# only comments\n\n   \n"))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("bank.jsonl")
                .hasMessageContaining("no entries");
        assertThatThrownBy(() -> read(""))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("no entries");
    }

    @Test
    void aPhrasingOfTwoEntriesNamesBothLines() {
        assertThatThrownBy(() -> read("""
                {"id":"a","question":"怎么提额","answer":"x","similar":["额度太低"]}
                {"id":"b","question":"额度太低","answer":"y"}
                """))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("'额度太低' of 'b' is already a phrasing of 'a' (line 1)");
    }

    @Test
    void badVariantsNameTheLine() {
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"question\":\"q\",\"answer\":\"x\"}\n"
                + "{\"id\":\"b\",\"question\":\"q2\",\"answer\":\"x\",\"not_similar\":[\"\"]}"))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("bank.jsonl line 2: 'not_similar' item 1 is empty");
    }

    @Test
    void tagsNotArrayRejected() {
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"question\":\"q\",\"answer\":\"x\",\"tags\":\"loan\"}"))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("'tags'");
    }

    @Test
    void nonStringTagsRejected() {
        assertThatThrownBy(() -> read("{\"id\":\"a\",\"question\":\"q\",\"answer\":\"x\",\"tags\":[1,{\"a\":2},null]}"))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("'tags'");
    }

    @Test
    void leadingByteOrderMarkIsIgnored() throws IOException {
        List<FaqEntry> entries = read("\uFEFF{\"id\":\"a\",\"question\":\"q\",\"answer\":\"x\"}\n");
        assertThat(entries).extracting(FaqEntry::id).containsExactly("a");
    }

    @Test
    void readsFileByPath(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("bank.jsonl");
        Files.writeString(file, "{\"id\":\"a\",\"question\":\"q\",\"answer\":\"x\"}\n", StandardCharsets.UTF_8);
        assertThat(FaqBankReader.read(file.toString())).extracting(FaqEntry::id).containsExactly("a");
    }

    @Test
    void missingFileNamesSetting(@TempDir Path tmp) {
        String missing = tmp.resolve("nope.jsonl").toString();
        assertThatThrownBy(() -> FaqBankReader.read(missing))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining("faq.bank");
    }

    @Test
    void missingClasspathResourceNamesSetting() {
        assertThatThrownBy(() -> FaqBankReader.read("classpath:samples/no-such-bank.jsonl"))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("classpath:samples/no-such-bank.jsonl")
                .hasMessageContaining("faq.bank");
    }

    @Test
    void bundledSampleBankLoads() {
        List<FaqEntry> entries = FaqBankReader.read("classpath:samples/faq-bank.jsonl");
        assertThat(entries.size()).isGreaterThanOrEqualTo(200);
        Set<String> ids = new HashSet<>();
        for (FaqEntry e : entries) {
            assertThat(ids.add(e.id())).as("unique id %s", e.id()).isTrue();
            assertThat(e.question()).isNotBlank();
            if (e.outOfScope()) {
                assertThat(e.similar()).as("examples of %s", e.id()).hasSizeGreaterThanOrEqualTo(10);
            } else {
                assertThat(e.answer()).isNotBlank();
                assertThat(e.similar()).as("similar questions of %s", e.id()).hasSizeBetween(3, 8);
            }
        }
        assertThat(entries.get(0).id()).isEqualTo("f-001");
        assertThat(entries).filteredOn(FaqEntry::outOfScope).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void faqEntryCopiesTags() {
        List<String> tags = new java.util.ArrayList<>(List.of("x"));
        FaqEntry entry = new FaqEntry("a", "q", "x", tags);
        tags.add("y");
        assertThat(entry.tags()).containsExactly("x");
        assertThatThrownBy(() -> entry.tags().add("z")).isInstanceOf(UnsupportedOperationException.class);
    }
}
