package dev.faqmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.testkit.RunningJob;
import dev.faqmatch.testkit.CommittedOutput;
import dev.faqmatch.testkit.JobHistory;
import dev.faqmatch.testkit.KafkaBrokerExtension;
import dev.faqmatch.testkit.KafkaClients;
import dev.faqmatch.testkit.MiniClusters;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * More than a thousand bad and odd records through the job: each ends as exactly one match event
 * or one dead letter with the reason expected for it, and none makes the job fail.
 */
class BadInputFuzzIT {
    private static final int MAX_TEXT_BYTES = 65_536;
    private static final int MAX_DEAD_LETTER_PAYLOAD = 262_144;

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension("kafka-fuzz-it");

    @Test
    void everyRecordEndsAsOneMatchOrOneDeadLetterWithItsReason(@InjectMiniCluster MiniCluster flink) throws Exception {
        List<OddInputs.Case> cases = new OddInputs(20261127L, MAX_TEXT_BYTES).generate(14);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(1_000);
        Map<String, Integer> expectedMatchesPerId = new HashMap<>();
        Map<String, Integer> expectedDeadLetters = new HashMap<>();
        Map<String, Boolean> expectedTruncated = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers(),
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024))) {
            for (OddInputs.Case c : cases) {
                producer.send(new ProducerRecord<>("questions", c.key(), c.value())).get();
                if (c.reason() == null) {
                    expectedMatchesPerId.merge(c.id(), 1, Integer::sum);
                    expectedTruncated.put(c.id(), c.truncated());
                } else {
                    expectedDeadLetters.merge(c.reason(), 1, Integer::sum);
                }
            }
        }

        MatcherConfig config = MatcherConfig.fromMap(Map.of(
                "kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "checkpoint.interval", "1s",
                "job.parallelism", "2",
                "output.embedding", "none",
                // questions of any tenant (the FAQ topic has no banks here) are answered by the file's bank
                "match.fallback-tenant", "default",
                // this test is about data; a loaded test machine must not turn into timeouts
                "async.timeout", "2min",
                "input.max-text-bytes", Integer.toString(MAX_TEXT_BYTES),
                "dead-letter.max-payload-bytes", Integer.toString(MAX_DEAD_LETTER_PAYLOAD)));
        RunningJob job = TestJobs.start("bad-input-fuzz", config);
        CommittedOutput events;
        try {
            events = CommittedOutput.read(KAFKA.bootstrapServers(), "faq-matches", "questions-dlq", cases.size(),
                    Duration.ofMinutes(5), n -> {});
        } finally {
            job.close();
        }
        System.out.printf("fuzz: %d records in, %d match events, %d dead letters %s%n", cases.size(),
                events.matches.size(), events.deadLetters.size(), events.deadLettersPerReason());

        assertThat(JobHistory.failures(flink, job.id())).as("job failures caused by data").isEmpty();
        assertThat(events.total()).as("in = match events + dead letters").isEqualTo(cases.size());
        assertThat(events.matchesPerId).isEqualTo(expectedMatchesPerId);
        assertThat(events.deadLettersPerReason()).isEqualTo(expectedDeadLetters);
        for (JsonNode m : events.matches) {
            assertThat(m.get("truncated").asBoolean()).as("truncated flag of %s", m.get("id").asText())
                    .isEqualTo(expectedTruncated.get(m.get("id").asText()));
            assertThat(m.get("matches")).isNotEmpty();
        }
        for (JsonNode d : events.deadLetters) {
            assertThat(d.get("detail").asText()).isNotBlank();
            assertThat(d.get("source_topic").asText()).isEqualTo("questions");
            // A dead letter stays a sendable Kafka record however large the bad record was.
            assertThat(d.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .isLessThan(MAX_DEAD_LETTER_PAYLOAD + 4_096);
            if (d.has("payload_bytes") && d.get("payload_bytes").asInt() > MAX_DEAD_LETTER_PAYLOAD) {
                assertThat(d.get("payload_truncated").asBoolean()).as("payload cut").isTrue();
            }
            if (d.path("payload_truncated").asBoolean() && d.get("payload_encoding").asText().equals("utf-8")) {
                String kept = d.get("payload").asText();
                assertThat(kept).isNotEmpty();
                assertThat(d.get("payload_bytes").asInt()).isGreaterThan(kept.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            }
        }
    }
}
