package dev.faqmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faqmatch.config.ConfigException;
import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.faq.FaqBankException;
import dev.faqmatch.inference.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamingJobGraphGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad configuration, model or FAQ bank stops the job before it is submitted, saying what to fix. */
class FaqMatcherJobTest {

    @Test
    void aBadSettingStopsTheJobNamingIt() {
        assertThatThrownBy(() -> FaqMatcherJob.main(new String[] {"--batch.max-size", "0"}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'batch.max-size'")
                .hasMessageContaining("from 1 to 1024");
        assertThatThrownBy(() -> FaqMatcherJob.main(new String[] {"--batch.maxsize", "8"}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown setting 'batch.maxsize'");
    }

    @Test
    void aMissingFaqBankStopsTheJobNamingTheSetting() {
        assertThatThrownBy(() -> FaqMatcherJob.main(new String[] {"--faq.bank", "/no/such/bank.jsonl"}))
                .isInstanceOf(FaqBankException.class)
                .hasMessageContaining("/no/such/bank.jsonl")
                .hasMessageContaining("faq.bank");
    }

    @Test
    void anIncompleteModelDirectoryStopsTheJobNamingTheMissingFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.json"), "{\"name\":\"x\",\"pooling\":\"mean\",\"dim\":768}");
        assertThatThrownBy(() -> FaqMatcherJob.main(new String[] {"--model.dir", dir.toString()}))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("model.onnx");
    }

    @Test
    void thePipelineBuildsWithItsOperatorsAndTheirUids() {
        assertThat(uids(MatcherConfig.defaults())).contains("questions-source", "await-faq-topic", "parse-questions",
                "faqs-source", "parse-faqs", "faq-banks", "embed-and-match", "matches-sink", "dead-letter-sink");
        assertThat(uids(MatcherConfig.fromMap(Map.of("kafka.faqs-topic", ""))))
                .as("without an FAQ topic, the faq.bank file is the one bank")
                .contains("questions-source", "parse-questions", "embed-and-match", "matches-sink", "dead-letter-sink")
                .doesNotContain("faq-banks", "await-faq-topic");
    }

    /**
     * The uids of the job graph's operators. Building the JobGraph runs the checks that submission
     * runs (Flink refuses, for one, checkpoints with an operator that selects its inputs).
     */
    private static List<String> uids(MatcherConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FaqMatcherJob.configure(env, config);
        FaqMatcherJob.builder(config).faqTopicEnd(Map.of()).build(env);
        StreamGraph graph = env.getStreamGraph();
        List<String> uids = new ArrayList<>();
        graph.getStreamNodes().forEach(node -> {
            if (node.getTransformationUID() != null) {
                uids.add(node.getTransformationUID().replaceAll(": (Writer|Committer)$", ""));
            }
        });
        assertThat(StreamingJobGraphGenerator.createJobGraph(graph).getNumberOfVertices()).isPositive();
        return uids;
    }
}
