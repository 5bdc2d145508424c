package dev.faqmatch.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.testkit.KafkaBrokerExtension;
import dev.faqmatch.testkit.KafkaClients;
import dev.faqmatch.testkit.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example script {@code flink-conf/sql/faq-matcher.sql}, statement by statement, through a
 * TableEnvironment on a MiniCluster and a real broker: every question's row comes back once,
 * read_committed, matched by the faq-matcher model; a NULL or blank text gives route human.
 */
class SqlModelIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final Pattern SET = Pattern.compile("SET '([^']+)' = '([^']*)'");

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension("kafka-sql-model-it");

    @Test
    void theExampleScriptMatchesEveryQuestionExactlyOnce() throws Exception {
        KAFKA.get().createTopics(2, "sql-questions", "sql-matches");
        Map<String, String> asked = new HashMap<>();
        asked.put("s-1", "申请贷款需要满足哪些条件？"); // f-001's own question: answered
        asked.put("s-2", "提前还款是按全额计息吗");
        asked.put("s-3", "帮我写首关于秋天的诗");
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            asked.forEach((id, text) -> send(producer, "{\"id\":\"" + id + "\",\"text\":\"" + text + "\"}"));
            send(producer, "{\"id\":\"s-null\",\"text\":null}");
            send(producer, "{\"id\":\"s-blank\",\"text\":\"   \"}");
            producer.flush();
        }

        TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        TableResult insert = null;
        for (String script : statements(Path.of("flink-conf", "sql", "faq-matcher.sql"))) {
            String statement = script
                    .replace("localhost:9092", KAFKA.bootstrapServers())
                    .replace("'topic' = 'questions'", "'topic' = 'sql-questions'")
                    .replace("'topic' = 'faq-matches-sql'", "'topic' = 'sql-matches'")
                    .replace("'5s'", "'1s'");
            Matcher set = SET.matcher(statement);
            if (set.matches()) {
                // What the SQL client does with SET: the session's configuration.
                sql.getConfig().getConfiguration().setString(set.group(1), set.group(2));
                continue;
            }
            TableResult result = sql.executeSql(statement);
            if (statement.startsWith("INSERT")) {
                insert = result;
            }
        }
        assertThat(insert).as("the script's INSERT").isNotNull();
        try {
            Map<String, List<JsonNode>> rows = read("sql-matches", asked.size() + 2);
            assertThat(rows).hasSize(asked.size() + 2);
            rows.forEach((id, all) -> assertThat(all).as("rows of " + id).hasSize(1));
            JsonNode answered = rows.get("s-1").get(0);
            assertThat(answered.get("route").asText()).isEqualTo("answer");
            assertThat(answered.get("faq_id").asText()).isEqualTo("f-001");
            assertThat(answered.get("matches").size()).isEqualTo(3);
            assertThat(rows.get("s-3").get(0).get("route").asText()).as("off-topic").isNotEqualTo("answer");
            for (String bad : List.of("s-null", "s-blank")) {
                JsonNode row = rows.get(bad).get(0);
                assertThat(row.get("route").asText()).isEqualTo("human");
                assertThat(row.get("faq_id").isNull()).isTrue();
                assertThat(row.get("matches").isNull()).isTrue();
            }
        } finally {
            insert.getJobClient().orElseThrow().cancel().get();
        }
    }

    @Test
    void aBadModelOptionFailsWhenTheQueryIsPlannedNamingIt() {
        TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        sql.executeSql("CREATE TEMPORARY VIEW asked AS SELECT * FROM (VALUES ('怎么还款')) AS t(text)");
        sql.executeSql("CREATE MODEL strict INPUT (text STRING) OUTPUT (route STRING)"
                + " WITH ('provider' = 'faq-matcher', 'match.min-score' = '2')");
        assertThatThrownBy(() -> sql.explainSql("SELECT * FROM ML_PREDICT(TABLE asked, MODEL strict, DESCRIPTOR(text))"))
                .hasStackTraceContaining("Invalid value '2' for setting 'match.min-score'");
        sql.executeSql("CREATE MODEL wrong INPUT (text STRING) OUTPUT (label STRING)"
                + " WITH ('provider' = 'faq-matcher', 'task' = 'match')");
        assertThatThrownBy(() -> sql.explainSql("SELECT * FROM ML_PREDICT(TABLE asked, MODEL wrong, DESCRIPTOR(text))"))
                .hasStackTraceContaining("output column 'label STRING' is not one that task 'match' fills");
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String json) {
        producer.send(new ProducerRecord<>("sql-questions", json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The script's statements, comments left out. */
    static List<String> statements(Path script) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(script)) {
            int comment = line.indexOf("--");
            text.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        List<String> statements = new ArrayList<>();
        for (String s : text.toString().split(";")) {
            if (!s.isBlank()) {
                statements.add(s.strip());
            }
        }
        return statements;
    }

    private static Map<String, List<JsonNode>> read(String topic, int ids) throws Exception {
        Map<String, List<JsonNode>> rows = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                KafkaClients.readCommittedConsumer(KAFKA.bootstrapServers(), "sql-reader")) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            long settle = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settle)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode row = JSON.readTree(r.value());
                    rows.computeIfAbsent(row.get("id").asText(), k -> new ArrayList<>()).add(row);
                }
                if (rows.size() >= ids && settle == Long.MAX_VALUE) {
                    settle = System.nanoTime() + Duration.ofSeconds(3).toNanos(); // a duplicate would show
                }
            }
        }
        return rows;
    }
}
