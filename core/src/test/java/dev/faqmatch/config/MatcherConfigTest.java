package dev.faqmatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faqmatch.event.EmbeddingFormat;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.faq.GraphSearch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatcherConfigTest {

    @Test
    void defaultsAreValid() {
        MatcherConfig c = MatcherConfig.defaults();
        assertThat(c.get(MatcherConfig.BOOTSTRAP_SERVERS)).isEqualTo("localhost:9092");
        assertThat(c.get(MatcherConfig.QUESTIONS_TOPIC)).isEqualTo("questions");
        assertThat(c.get(MatcherConfig.MATCHES_TOPIC)).isEqualTo("faq-matches");
        assertThat(c.get(MatcherConfig.DEAD_LETTER_TOPIC)).isEqualTo("questions-dlq");
        assertThat(c.get(MatcherConfig.STARTING_OFFSETS)).isEqualTo(MatcherConfig.StartingOffsets.COMMITTED);
        assertThat(c.get(MatcherConfig.DELIVERY)).isEqualTo(MatcherConfig.Delivery.EXACTLY_ONCE);
        assertThat(c.get(MatcherConfig.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.get(MatcherConfig.MODEL_DIR)).isEmpty();
        assertThat(c.get(MatcherConfig.FAQ_BANK)).isEqualTo("classpath:samples/faq-bank.jsonl");
        assertThat(c.get(MatcherConfig.DEVICE).toString()).isEqualTo("auto");
        assertThat(c.get(MatcherConfig.BATCH_MAX_SIZE)).isEqualTo(64);
        assertThat(c.get(MatcherConfig.BATCH_MAX_DELAY)).isEqualTo(Duration.ofMillis(25));
        assertThat(c.get(MatcherConfig.ASYNC_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.asyncCapacity()).isEqualTo(256);
        assertThat(c.get(MatcherConfig.TOP_K)).isEqualTo(3);
        assertThat(c.get(MatcherConfig.MIN_SCORE)).isEqualTo(0.89);
        assertThat(c.get(MatcherConfig.EMBEDDING_OUTPUT)).isEqualTo(EmbeddingFormat.JSON);
        assertThat(c.get(MatcherConfig.MAX_TEXT_BYTES)).isEqualTo(65_536);
        assertThat(c.kafkaClientProperties()).isEmpty();
    }

    @Test
    void everyDefaultParses() {
        for (Setting<?> s : MatcherConfig.SETTINGS) {
            assertThat(s.parse(null)).as(s.key()).isNotNull();
            assertThat(s.allowed()).as(s.key()).isNotBlank();
            assertThat(s.description()).as(s.key()).isNotBlank();
        }
    }

    @Test
    void badBatchMaxSizeNamesSettingAndRange() {
        for (String bad : new String[] {"0", "1025", "abc", "-4", ""}) {
            assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("batch.max-size", bad)))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("'batch.max-size'")
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("1 to 1024");
        }
    }

    @Test
    void batchMaxSizeBoundsAccepted() {
        assertThat(MatcherConfig.fromMap(Map.of("batch.max-size", "1")).get(MatcherConfig.BATCH_MAX_SIZE)).isEqualTo(1);
        assertThat(MatcherConfig.fromMap(Map.of("batch.max-size", " 1024 ")).get(MatcherConfig.BATCH_MAX_SIZE)).isEqualTo(1024);
    }

    @Test
    void unknownKeyListsKnownSettings() {
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("batch.maxsize", "8")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'batch.maxsize'")
                .hasMessageContaining("batch.max-size")
                .hasMessageContaining("kafka.bootstrap-servers")
                .hasMessageContaining("match.top-k")
                .hasMessageContaining("kafka.client.");
    }

    @Test
    void asyncCapacitySmallerThanBatchRejected() {
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("batch.max-size", "64", "async.capacity", "63")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'async.capacity'")
                .hasMessageContaining("'63'")
                .hasMessageContaining("64");
    }

    @Test
    void asyncCapacityEqualToBatchAccepted() {
        assertThat(MatcherConfig.fromMap(Map.of("batch.max-size", "64", "async.capacity", "64")).asyncCapacity())
                .isEqualTo(64);
    }

    @Test
    void asyncCapacityZeroMeansFourBatches() {
        MatcherConfig c = MatcherConfig.fromMap(Map.of("batch.max-size", "50", "async.capacity", "0"));
        assertThat(c.asyncCapacity()).isEqualTo(200);
    }

    @Test
    void graphCandidateRowsReachTheGraphSearchWithinTheirRange() {
        assertThat(MatcherConfig.defaults().graphSearch()).isEqualTo(GraphSearch.DEFAULT);
        GraphSearch more = MatcherConfig.fromMap(Map.of("faq.graph-candidate-rows", "300")).graphSearch();
        assertThat(more).isEqualTo(new GraphSearch(FaqIndex.GRAPH_MIN_ROWS, 300));
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("faq.graph-candidate-rows", "9")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'faq.graph-candidate-rows'")
                .hasMessageContaining("10 to 10000");
    }

    @Test
    void durationsParse() {
        MatcherConfig c = MatcherConfig.fromMap(Map.of("batch.max-delay", "20ms", "checkpoint.interval", "2min",
                "async.timeout", "5s"));
        assertThat(c.get(MatcherConfig.BATCH_MAX_DELAY)).isEqualTo(Duration.ofMillis(20));
        assertThat(c.get(MatcherConfig.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.get(MatcherConfig.ASYNC_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
        assertThat(MatcherConfig.fromMap(Map.of("batch.max-delay", "0ms")).get(MatcherConfig.BATCH_MAX_DELAY)).isZero();
    }

    @Test
    void durationOutOfRangeOrGarbageRejected() {
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("batch.max-delay", "11s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'batch.max-delay'");
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("checkpoint.interval", "50ms")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'checkpoint.interval'");
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("batch.max-delay", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'soon'");
    }

    @Test
    void choicesAcceptDashesAndCase() {
        MatcherConfig c = MatcherConfig.fromMap(Map.of("delivery.guarantee", "at-least-once",
                "kafka.starting-offsets", "EARLIEST", "output.embedding", "base64"));
        assertThat(c.get(MatcherConfig.DELIVERY)).isEqualTo(MatcherConfig.Delivery.AT_LEAST_ONCE);
        assertThat(c.get(MatcherConfig.STARTING_OFFSETS)).isEqualTo(MatcherConfig.StartingOffsets.EARLIEST);
        assertThat(c.get(MatcherConfig.EMBEDDING_OUTPUT)).isEqualTo(EmbeddingFormat.BASE64);
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("delivery.guarantee", "maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("exactly-once")
                .hasMessageContaining("at-least-once");
    }

    @Test
    void minScoreRange() {
        assertThat(MatcherConfig.fromMap(Map.of("match.min-score", "-1")).get(MatcherConfig.MIN_SCORE)).isEqualTo(-1.0);
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("match.min-score", "1.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'match.min-score'");
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("match.min-score", "NaN")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'match.min-score'");
    }

    @Test
    void blankRequiredStringRejected() {
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("kafka.questions-topic", "  ")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'kafka.questions-topic'");
    }

    @Test
    void devices() {
        assertThat(MatcherConfig.fromMap(Map.of("inference.device", "GPU:1")).get(MatcherConfig.DEVICE).toString()).isEqualTo("gpu:1");
        assertThat(MatcherConfig.fromMap(Map.of("inference.device", "cuda:0")).get(MatcherConfig.DEVICE).toString()).isEqualTo("gpu:0");
        assertThat(MatcherConfig.fromMap(Map.of("inference.device", "gpu")).get(MatcherConfig.DEVICE).toString()).isEqualTo("gpu");
        assertThat(MatcherConfig.fromMap(Map.of("inference.device", "cpu")).get(MatcherConfig.DEVICE).toString()).isEqualTo("cpu");
        assertThatThrownBy(() -> MatcherConfig.fromMap(Map.of("inference.device", "tpu")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'inference.device'")
                .hasMessageContaining("'tpu'")
                .hasMessageContaining("gpu:N");
    }

    @Test
    void kafkaClientPropertiesPassThrough() {
        MatcherConfig c = MatcherConfig.fromMap(Map.of(
                "kafka.client.security.protocol", "SASL_SSL",
                "kafka.client.sasl.mechanism", "PLAIN",
                "kafka.bootstrap-servers", "broker:9093"));
        assertThat(c.kafkaClientProperties()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "PLAIN"));
        assertThat(c.get(MatcherConfig.BOOTSTRAP_SERVERS)).isEqualTo("broker:9093");
        assertThatThrownBy(() -> c.kafkaClientProperties().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void fromArgs() {
        MatcherConfig c = MatcherConfig.fromArgs(new String[] {"--batch.max-size", "16", "--match.min-score", "-0.25",
                "--kafka.client.client.id", "me"});
        assertThat(c.get(MatcherConfig.BATCH_MAX_SIZE)).isEqualTo(16);
        assertThat(c.asyncCapacity()).isEqualTo(64);
        assertThat(c.get(MatcherConfig.MIN_SCORE)).isEqualTo(-0.25);
        assertThat(c.kafkaClientProperties()).containsEntry("client.id", "me");
    }

    @Test
    void yamlFileWithNestedKeysAndArgsOverride(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("matcher.yaml");
        Files.writeString(file, """
                kafka:
                  bootstrap-servers: broker-1:9092,broker-2:9092
                  questions-topic: q-in
                  client:
                    security.protocol: SSL
                batch:
                  max-size: 8
                  max-delay: 20ms
                match:
                  top-k: 5
                  min-score: 0.7
                job.name: from-file
                """);
        MatcherConfig c = MatcherConfig.fromArgs(new String[] {"--config", file.toString(), "--match.top-k", "7"});
        assertThat(c.get(MatcherConfig.BOOTSTRAP_SERVERS)).isEqualTo("broker-1:9092,broker-2:9092");
        assertThat(c.get(MatcherConfig.QUESTIONS_TOPIC)).isEqualTo("q-in");
        assertThat(c.get(MatcherConfig.BATCH_MAX_SIZE)).isEqualTo(8);
        assertThat(c.get(MatcherConfig.BATCH_MAX_DELAY)).isEqualTo(Duration.ofMillis(20));
        assertThat(c.get(MatcherConfig.TOP_K)).isEqualTo(7); // argument wins over the file
        assertThat(c.get(MatcherConfig.MIN_SCORE)).isEqualTo(0.7);
        assertThat(c.get(MatcherConfig.JOB_NAME)).isEqualTo("from-file");
        assertThat(c.kafkaClientProperties()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void yamlUnknownKeyIsReportedWithFlattenedName(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("bad.yaml");
        Files.writeString(file, "batch:\n  max-sise: 8\n");
        assertThatThrownBy(() -> MatcherConfig.fromArgs(new String[] {"--config", file.toString()}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'batch.max-sise'");
    }

    @Test
    void yamlListValueRejected(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("list.yaml");
        Files.writeString(file, "kafka:\n  bootstrap-servers:\n    - a:1\n    - b:2\n");
        assertThatThrownBy(() -> MatcherConfig.fromArgs(new String[] {"--config", file.toString()}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'kafka.bootstrap-servers'")
                .hasMessageContaining("single value");
    }

    @Test
    void yamlNotAMapRejected(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("scalar.yaml");
        Files.writeString(file, "- just\n- a list\n");
        assertThatThrownBy(() -> MatcherConfig.fromArgs(new String[] {"--config", file.toString()}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("map of settings");
    }

    @Test
    void emptyYamlMeansDefaults(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("empty.yaml");
        Files.writeString(file, "");
        assertThat(MatcherConfig.fromArgs(new String[] {"--config", file.toString()}).get(MatcherConfig.BATCH_MAX_SIZE)).isEqualTo(64);
    }

    @Test
    void missingConfigFileNamed(@TempDir Path tmp) {
        Path missing = tmp.resolve("missing.yaml");
        assertThatThrownBy(() -> MatcherConfig.fromArgs(new String[] {"--config", missing.toString()}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("--config");
    }

    @Test
    void invalidYamlRejected(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("broken.yaml");
        Files.writeString(file, "batch: [unclosed\n");
        assertThatThrownBy(() -> MatcherConfig.fromArgs(new String[] {"--config", file.toString()}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML");
    }
}
