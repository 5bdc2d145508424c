package dev.faqmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.inference.Vectors;
import dev.faqmatch.testkit.RunningJob;
import dev.faqmatch.testkit.CommittedOutput;
import dev.faqmatch.testkit.KafkaBrokerExtension;
import dev.faqmatch.testkit.KafkaClients;
import dev.faqmatch.testkit.MiniClusters;
import dev.faqmatch.testkit.QuestionFile;
import dev.faqmatch.testkit.QuestionRecord;
import dev.faqmatch.testkit.Topics;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a real Flink runtime (MiniCluster, two slots) against a real Kafka broker:
 * every question comes back as exactly one match event, every malformed record as one dead
 * letter with its reason, nothing lost.
 */
class FaqMatcherJobIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int QUESTIONS = 500;
    private static final int MAX_TEXT_BYTES = 16_384;

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension("kafka-it");

    @Test
    void everyQuestionComesBackOnceAndEveryBadRecordAsADeadLetter() throws Exception {
        List<QuestionFile.Entry> samples = QuestionFile.read(QuestionFile.SAMPLE);
        Map<String, String> expectedFaq = new HashMap<>();
        Map<String, byte[]> bad = malformedRecords();
        String longText = "我想提前还款，请问需要支付违约金吗？".repeat(200); // ~3,600 tokens, under the byte limit

        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            for (int i = 0; i < QUESTIONS; i++) {
                QuestionFile.Entry q = samples.get(i % samples.size());
                String id = "it-" + i;
                String text = i == 7 ? longText : q.text();
                if (q.expectedFaqId() != null && i != 7) {
                    expectedFaq.put(id, q.expectedFaqId());
                }
                producer.send(QuestionRecord.of(id, text).tenant("bank-a").toRecord(Topics.QUESTIONS));
                if (i % 50 == 0 && !bad.isEmpty()) {
                    // interleave the bad records with good ones
                    String badKey = bad.keySet().iterator().next();
                    producer.send(new ProducerRecord<>("questions", key(badKey), bad.remove(badKey)));
                }
            }
            bad.forEach((k, v) -> producer.send(new ProducerRecord<>("questions", key(k), v)));
        }
        int badCount = malformedRecords().size();

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap-servers", KAFKA.bootstrapServers());
        settings.put("checkpoint.interval", "1s");
        settings.put("job.parallelism", "2");
        settings.put("output.embedding", "base64");
        settings.put("input.max-text-bytes", Integer.toString(MAX_TEXT_BYTES));
        settings.put("batch.max-size", "16");
        // tenant bank-a has no bank of its own (no FAQ topic here): the file's bank answers it
        settings.put("match.fallback-tenant", "default");
        MatcherConfig config = MatcherConfig.fromMap(settings);
        RunningJob job = TestJobs.start("faq-matcher-it", config);

        CommittedOutput events;
        try {
            events = CommittedOutput.read(KAFKA.bootstrapServers(), "faq-matches", "questions-dlq", QUESTIONS + badCount,
                    Duration.ofMinutes(4), n -> {});
        } finally {
            job.close();
        }
        Map<String, JsonNode> matches = events.matchById();
        List<JsonNode> deadLetters = events.deadLetters;

        // Nothing lost, nothing duplicated: in = match events + dead letters.
        assertThat(matches).hasSize(QUESTIONS);
        assertThat(events.matchesPerId.values()).allMatch(count -> count == 1);
        assertThat(deadLetters).hasSize(badCount);
        assertThat(matches.size() + deadLetters.size()).isEqualTo(QUESTIONS + badCount);

        // Each dead letter says why, keeps the payload and where it came from.
        Map<String, String> reasonByKey = new HashMap<>();
        for (JsonNode d : deadLetters) {
            assertThat(d.get("schema").asInt()).isEqualTo(1);
            assertThat(d.get("source_topic").asText()).isEqualTo("questions");
            assertThat(d.get("source_offset").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(d.get("detail").asText()).isNotBlank();
            reasonByKey.put(d.get("key").asText(), d.get("reason").asText());
        }
        assertThat(reasonByKey).hasSize(badCount);
        reasonByKey.forEach((key, reason) -> assertThat(key).startsWith("bad-" + reason));

        // Match events carry the model, tenant, unit-length embeddings and the truncation flag.
        JsonNode first = matches.get("it-0");
        assertThat(first.get("model").asText()).isEqualTo(ModelSource.BUNDLED.get(0));
        assertThat(first.get("tenant").asText()).isEqualTo("bank-a");
        assertThat(first.get("matches")).hasSize(3);
        float[] embedding = decode(first.get("embedding_base64").asText());
        assertThat(embedding).hasSize(512);
        assertThat(Vectors.dot(embedding, embedding)).isBetween(0.999f, 1.001f);
        assertThat(matches.get("it-7").get("truncated").asBoolean()).isTrue();
        assertThat(matches.get("it-8").get("truncated").asBoolean()).isFalse();

        // Paraphrases find the FAQ entry they were written for, for a clear majority.
        long right = expectedFaq.entrySet().stream()
                .filter(e -> e.getValue().equals(matches.get(e.getKey()).path("matches").path(0).path("faq_id").asText()))
                .count();
        double accuracy = (double) right / expectedFaq.size();
        System.out.printf("paraphrase top-1 accuracy: %d/%d = %.3f%n", right, expectedFaq.size(), accuracy);
        assertThat(accuracy).isGreaterThan(0.55);
    }

    /** One record per reason, keyed "bad-<reason>". */
    private static Map<String, byte[]> malformedRecords() {
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("bad-invalid_json", utf8("{\"id\": \"x\", \"text\": \"还款"));
        bad.put("bad-not_an_object", utf8("[\"id\", \"text\"]"));
        bad.put("bad-missing_id", utf8("{\"text\": \"怎么还款\"}"));
        bad.put("bad-invalid_id", utf8("{\"id\": 42, \"text\": \"怎么还款\"}"));
        bad.put("bad-missing_text", utf8("{\"id\": \"m-1\"}"));
        bad.put("bad-invalid_text", utf8("{\"id\": \"m-2\", \"text\": \"   \"}"));
        bad.put("bad-text_too_long", utf8("{\"id\": \"m-3\", \"text\": \"" + "额".repeat(MAX_TEXT_BYTES) + "\"}"));
        bad.put("bad-invalid_utf8", new byte[] {'{', '"', 'i', 'd', '"', ':', (byte) 0xC3, (byte) 0x28, '}'});
        bad.put("bad-empty_record", new byte[0]);
        bad.put("bad-empty_record-null", null);
        bad.put("bad-invalid_field", utf8("{\"id\": \"m-4\", \"text\": \"怎么还款\", \"top_k\": 0}"));
        return bad;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] key(String s) {
        return utf8(s);
    }

    private static float[] decode(String base64) {
        ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[buffer.remaining() / 4];
        buffer.asFloatBuffer().get(v);
        return v;
    }
}
