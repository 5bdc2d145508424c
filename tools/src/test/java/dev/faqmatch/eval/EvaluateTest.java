package dev.faqmatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.cli.CommandLineConventions;
import dev.faqmatch.inference.ModelSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateTest {
    @Test
    void parsesOptionsAndFiles() {
        EvalOptions o = EvalOptions.parse(new String[] {
                "--threads", "5", "--sessions", "2", "--batch", "16", "--retrieval", "--limit", "100",
                "--json", "out.json", "a.data", "b.data"});
        assertThat(o.threads()).isEqualTo(5);
        assertThat(o.sessions()).isEqualTo(2);
        assertThat(o.threadsOfSession(0) + o.threadsOfSession(1)).isEqualTo(5);
        assertThat(o.threadsOfSession(0)).isEqualTo(3);
        assertThat(o.batch()).isEqualTo(16);
        assertThat(o.retrieval()).isTrue();
        assertThat(o.limit()).isEqualTo(100);
        assertThat(o.json()).isEqualTo(Path.of("out.json"));
        assertThat(o.files()).containsExactly(Path.of("a.data"), Path.of("b.data"));
        assertThat(o.model().dir()).isNull();
    }

    @Test
    void defaultsToOneSingleThreadedSessionPerCore() {
        EvalOptions o = EvalOptions.parse(new String[] {"--threads", "3", "x.data"});
        assertThat(o.sessions()).isEqualTo(3);
        assertThat(o.threadsOfSession(2)).isEqualTo(1);
        assertThat(o.batch()).isEqualTo(32);
        assertThat(o.limit()).isEqualTo(Integer.MAX_VALUE);
        assertThat(EvalOptions.parse(new String[] {"x.data"}).threads())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void withoutFilesReadsThePublicTestSetsWithRetrieval() {
        EvalOptions o = EvalOptions.parse();
        assertThat(o.files()).isEqualTo(EvalOptions.PUBLIC_TEST_SETS);
        assertThat(o.retrieval()).isTrue();
        assertThat(EvalOptions.parse("x.data").retrieval()).isFalse();
    }

    @Test
    void rejectsBadCommandLines() {
        assertThatThrownBy(() -> EvalOptions.parse(new String[] {"--batch", "0", "x"}))
                .hasMessageContaining("--batch needs a positive integer, got '0'");
        assertThatThrownBy(() -> EvalOptions.parse(new String[] {"x", "--threads"}))
                .hasMessageContaining("Missing required parameter for option '--threads'");
        assertThatThrownBy(() -> EvalOptions.parse(new String[] {"--fast", "x"}))
                .hasMessageContaining("Unknown option: '--fast'");
        assertThatThrownBy(() -> EvalOptions.parse(new String[] {"--misses", "m.jsonl", "x"}))
                .hasMessageContaining("--misses lists the retrieval misses: add --retrieval");
    }

    @Test
    void helpExitsZeroAndABadOptionIsAUsageError() {
        CommandLineConventions.assertHelpAndUsageError(EvalOptions::new);
    }

    @Test
    void labelsFilesByFolderAndName() {
        assertThat(EvalReport.label(Path.of("../shared/data/lcqmc/LCQMC.test.data"))).isEqualTo("lcqmc/LCQMC.test.data");
    }

    @Test
    void evaluatesASmallFileWithTheBundledModel(@TempDir Path dir) throws IOException {
        Path pairs = dir.resolve("finance.data");
        Files.writeString(pairs, """
                花呗怎么还款\t花呗如何还钱\t1
                借呗可以提前还款吗\t借呗能不能提前还清\t1
                信用卡逾期会影响征信吗\t信用卡晚还一天有影响吗\t1
                花呗怎么还款\t今天天气怎么样\t0
                借呗可以提前还款吗\t怎么修改绑定的手机号\t0
                信用卡逾期会影响征信吗\t我想开通花呗\t0
                """);
        Path json = dir.resolve("out/result.json");
        Path misses = dir.resolve("out/misses.jsonl");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Evaluate.FileResult> results = Evaluate.run(
                EvalOptions.parse(new String[] {"--threads", "2", "--batch", "4", "--retrieval", "--json",
                        json.toString(), "--misses", misses.toString(), pairs.toString()}),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        Evaluate.FileResult r = results.get(0);
        assertThat(r.pairs()).isEqualTo(6);
        assertThat(r.texts()).isEqualTo(9);
        // Every paraphrase scores above every unrelated pair, the best a 0/1 label allows: score
        // ranks 4, 5, 6 against label rank 5 and 1, 2, 3 against 2 give sxy = 13.5, sxx = 17.5,
        // syy = 13.5, so rho = sqrt(13.5 / 17.5) = sqrt(27 / 35).
        assertThat(r.cosineSpearman()).isCloseTo(100 * Math.sqrt(27.0 / 35), within(1e-9));
        // unit-length embeddings: dot and Euclidean rank exactly as cosine does
        assertThat(r.dotSpearman()).isCloseTo(r.cosineSpearman(), within(1e-9));
        assertThat(r.euclideanSpearman()).isCloseTo(r.cosineSpearman(), within(1e-9));
        assertThat(r.retrieval().bank()).isEqualTo(3);
        assertThat(r.retrieval().recallAt1()).isEqualTo(1.0);

        String table = printed.toString(StandardCharsets.UTF_8);
        assertThat(table).contains(ModelSource.BUNDLED.get(0)).contains("max_seq_len 512")
                .contains("| " + dir.getFileName() + "/finance.data | 6 | 87.83 |")
                .contains("| recall@1 | recall@5 | MRR@10 | misses | first labelled negative |")
                .contains("| 3 | 3 | 100.00 | 100.00 | 100.00 | 0 | 0 |");
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.path("model").path("name").asText()).isEqualTo(ModelSource.BUNDLED.get(0));
        assertThat(root.path("model").path("max_seq_len").asInt()).isEqualTo(512);
        JsonNode file = root.path("files").get(0);
        assertThat(file.path("pairs").asInt()).isEqualTo(6);
        assertThat(file.path("cosine_spearman").asDouble()).isCloseTo(87.83, within(0.01));
        assertThat(file.path("retrieval").path("recall_at_1").asDouble()).isEqualTo(100.0);
        assertThat(file.path("retrieval").path("misses").asInt()).isZero();
        // every query found its paraphrase first: the misses file exists and is empty
        assertThat(Files.readString(misses)).isEmpty();
    }

    @Test
    void writesEachMissAsAJsonLine(@TempDir Path dir) throws IOException {
        RetrievalEval.Result retrieval = new RetrievalEval.Result(3, 3, 1 / 3.0, 2 / 3.0, 0.5, List.of(
                new RetrievalEval.Miss("借呗怎么还", "借呗能提前还吗", 0.91, true, List.of("借呗如何还款"), 2),
                new RetrievalEval.Miss("花呗冻结了", "花呗被冻结怎么办", 0.88, false, List.of("花呗用不了", "花呗被锁"), 0)));
        Path file = Path.of("atec/ATEC.test.data");
        Evaluate.FileResult withMisses = new Evaluate.FileResult(file, 3, 6, 1, 50, 50, 50, 50, 50, retrieval, 0.1);
        Evaluate.FileResult noRetrieval = new Evaluate.FileResult(Path.of("sts.data"), 3, 6, 1, 50, 50, 50, 50, 50,
                null, 0);
        Path target = dir.resolve("misses.jsonl");
        EvalReport.writeMisses(target, List.of(noRetrieval, withMisses));

        List<String> lines = Files.readAllLines(target, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        ObjectMapper mapper = new ObjectMapper();
        JsonNode first = mapper.readTree(lines.get(0));
        assertThat(first.path("file").asText()).isEqualTo(file.toString());
        assertThat(first.path("query").asText()).isEqualTo("借呗怎么还");
        assertThat(first.path("first").asText()).isEqualTo("借呗能提前还吗");
        assertThat(first.path("first_score").asDouble()).isEqualTo(0.91);
        assertThat(first.path("first_labelled").asText()).isEqualTo("negative");
        assertThat(first.path("expected_rank").asInt()).isEqualTo(2);
        JsonNode second = mapper.readTree(lines.get(1));
        assertThat(second.path("first_labelled").asText()).isEqualTo("unlabelled");
        assertThat(second.path("expected")).extracting(JsonNode::asText).containsExactly("花呗用不了", "花呗被锁");
        assertThat(second.path("expected_rank").isNull()).isTrue();
    }
}
