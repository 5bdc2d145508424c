package dev.faqmatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairFileTest {
    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        Path file = dir.resolve("pairs.data");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void readsTabSeparatedPairsWithIntegerAndGradedLabels() throws IOException {
        List<PairFile.Pair> pairs = PairFile.read(write("花呗怎么还款\t花呗如何还钱\t1\n借呗额度\t 信用卡 \t0\n一个人\t两个人\t3.8\n"));
        assertThat(pairs).containsExactly(
                new PairFile.Pair("花呗怎么还款", "花呗如何还钱", 1),
                new PairFile.Pair("借呗额度", " 信用卡 ", 0), // texts are kept as written
                new PairFile.Pair("一个人", "两个人", 3.8));
    }

    @Test
    void readsClueJsonLinesWithNumberOrStringLabels() throws IOException {
        List<PairFile.Pair> pairs = PairFile.read(write("""
                {"sentence1": "蚂蚁借呗等额还款可以换成先息后本吗", "sentence2": "借呗有先息到期还本吗", "label": "0"}
                {"sentence1": "花呗收款", "sentence2": "花呗怎么收款", "label": 1, "id": 7}
                """));
        assertThat(pairs).containsExactly(
                new PairFile.Pair("蚂蚁借呗等额还款可以换成先息后本吗", "借呗有先息到期还本吗", 0),
                new PairFile.Pair("花呗收款", "花呗怎么收款", 1));
    }

    @Test
    void skipsBlankLinesAndToleratesByteOrderMarkAndCrLf() throws IOException {
        List<PairFile.Pair> pairs = PairFile.read(write("\uFEFFa\tb\t1\r\n\r\n   \nc\td\t0\r\n"));
        assertThat(pairs).containsExactly(new PairFile.Pair("a", "b", 1), new PairFile.Pair("c", "d", 0));
    }

    @Test
    void limitKeepsTheFirstPairs() throws IOException {
        Path file = write("a\tb\t1\nc\td\t0\ne\tf\t1\n");
        assertThat(PairFile.read(file, 2)).extracting(PairFile.Pair::text1).containsExactly("a", "c");
    }

    @Test
    void aWrongFieldCountNamesTheLine() throws IOException {
        Path file = write("a\tb\t1\n\nc\td\n");
        assertThatThrownBy(() -> PairFile.read(file))
                .isInstanceOf(PairFileException.class)
                .hasMessageContaining(file + " line 3")
                .hasMessageContaining("found 2 field(s)");
        assertThatThrownBy(() -> PairFile.read(write("a\tb\t1\textra\n")))
                .isInstanceOf(PairFileException.class).hasMessageContaining("line 1").hasMessageContaining("4 field(s)");
    }

    @Test
    void aNonNumericLabelNamesTheLine() throws IOException {
        assertThatThrownBy(() -> PairFile.read(write("a\tb\t1\nc\td\tyes\n")))
                .isInstanceOf(PairFileException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("label 'yes' is not a number");
    }

    @Test
    void badJsonLinesNameTheLineAndTheProblem() throws IOException {
        assertThatThrownBy(() -> PairFile.read(write("{\"sentence1\": \"a\", \"sentence2\": \"b\"}\n")))
                .isInstanceOf(PairFileException.class).hasMessageContaining("line 1").hasMessageContaining("no 'label'");
        assertThatThrownBy(() -> PairFile.read(write("a\tb\t0\n{\"sentence1\": \"a\", \"label\": 1}\n")))
                .isInstanceOf(PairFileException.class).hasMessageContaining("line 2").hasMessageContaining("'sentence2'");
        assertThatThrownBy(() -> PairFile.read(write("{\"sentence1\": \"a\", \"sentence2\": \"b\", \"label\": \"entailment\"}\n")))
                .isInstanceOf(PairFileException.class).hasMessageContaining("line 1").hasMessageContaining("'entailment'");
        assertThatThrownBy(() -> PairFile.read(write("a\tb\t0\nc\td\t1\n{\"sentence1\": \"a\",\n")))
                .isInstanceOf(PairFileException.class).hasMessageContaining("line 3").hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> PairFile.read(write("{\"sentence1\": \"a\", \"sentence2\": \"b\", \"label\": [1]}\n")))
                .isInstanceOf(PairFileException.class).hasMessageContaining("'label' must be a number");
    }

    @Test
    void anEmptyOrMissingFileIsAnError() throws IOException {
        assertThatThrownBy(() -> PairFile.read(write("\n\n")))
                .isInstanceOf(PairFileException.class).hasMessageContaining("has no pairs");
        assertThatThrownBy(() -> PairFile.read(dir.resolve("absent.data")))
                .isInstanceOf(PairFileException.class).hasMessageContaining("does not exist");
    }
}
