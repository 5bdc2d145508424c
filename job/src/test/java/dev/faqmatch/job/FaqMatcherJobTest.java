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
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FaqMatcherJob.build(env, MatcherConfig.defaults());
        // getStreamGraph() runs what submission runs on the client: type extraction, the sinks'
        // lineage, the serializability of every function.
        List<String> uids = new ArrayList<>();
        env.getStreamGraph().getStreamNodes().forEach(node -> uids.add(node.getTransformationUID()));
        assertThat(uids).contains("questions-source", "parse-questions", "embed-and-match");
        assertThat(String.join(",", uids)).contains("matches-sink").contains("dead-letter-sink");
    }
}
