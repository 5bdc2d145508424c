package dev.faqmatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faqmatch.config.ConfigException;
import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.flink.kafka.KafkaPreflight;
import dev.faqmatch.testkit.RunningJob;
import dev.faqmatch.testkit.CommittedOutput;
import dev.faqmatch.testkit.KafkaClients;
import dev.faqmatch.testkit.LocalKafka;
import dev.faqmatch.testkit.MiniClusters;
import dev.faqmatch.testkit.QuestionRecord;
import dev.faqmatch.testkit.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka client security settings (kafka.client.*) reach the source, both sinks and the start-up
 * check: the job runs against the broker's TLS listener with a certificate this test makes, and
 * start-up errors about Kafka are one clear line.
 */
class KafkaTlsIT {
    private static final String PASSWORD = "test-only-secret";

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(1);

    private static LocalKafka kafka;
    private static Path trustStore;

    @BeforeAll
    static void startKafkaWithTls() throws Exception {
        Path certs = Path.of("target", "tls-it");
        Files.createDirectories(certs);
        Path keyStore = certs.resolve("broker.p12");
        Path cert = certs.resolve("broker.crt");
        trustStore = certs.resolve("truststore.p12");
        for (Path p : List.of(keyStore, cert, trustStore)) {
            Files.deleteIfExists(p);
        }
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(),
                "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        kafka = LocalKafka.start(Path.of("target", "kafka-tls-it"), 0, new LocalKafka.Tls(keyStore, PASSWORD));
        kafka.createTopics(1, Topics.DEFAULTS.toArray(String[]::new));
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theJobReadsAndWritesOverTls() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
            for (int i = 0; i < 20; i++) {
                producer.send(QuestionRecord.of("tls-" + i, "信用卡怎么提额").toRecord(Topics.QUESTIONS));
            }
            producer.send(new ProducerRecord<>("questions", "not json".getBytes(StandardCharsets.UTF_8)));
        }
        MatcherConfig config = MatcherConfig.fromMap(tls(kafka.tlsBootstrapServers()));
        KafkaPreflight.check(config); // over TLS too
        RunningJob job = TestJobs.start("tls", config);
        CommittedOutput events;
        try {
            events = CommittedOutput.read(kafka.bootstrapServers(), "faq-matches", "questions-dlq", 21, Duration.ofMinutes(3), n -> {});
        } finally {
            job.close();
        }
        assertThat(events.matches).hasSize(20);
        assertThat(events.deadLetters).hasSize(1);
    }

    @Test
    void withoutTheTrustStoreTheStartUpCheckSaysKafkaRefusedOrIsUnreachable() {
        Map<String, String> settings = new HashMap<>(tls(kafka.tlsBootstrapServers()));
        settings.remove("kafka.client.ssl.truststore.location");
        settings.remove("kafka.client.ssl.truststore.password");
        settings.remove("kafka.client.ssl.truststore.type");
        settings.put("kafka.startup-timeout", "5s");
        long start = System.nanoTime();
        assertThatThrownBy(() -> KafkaPreflight.check(MatcherConfig.fromMap(settings)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(kafka.tlsBootstrapServers())
                .hasMessageContaining("kafka.");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void anUnreachableBrokerOrAMissingTopicStopsTheStartWithOneClearLine() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> KafkaPreflight.check(MatcherConfig.fromMap(Map.of(
                        "kafka.bootstrap-servers", "127.0.0.1:1", "kafka.startup-timeout", "3s"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("127.0.0.1:1 is unreachable")
                .hasMessageContaining("kafka.bootstrap-servers");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));

        assertThatThrownBy(() -> KafkaPreflight.check(MatcherConfig.fromMap(Map.of(
                        "kafka.bootstrap-servers", kafka.bootstrapServers(), "kafka.matches-topic", "no-such-topic"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'no-such-topic' (setting 'kafka.matches-topic')");
    }

    private static Map<String, String> tls(String bootstrap) {
        return Map.of(
                "kafka.bootstrap-servers", bootstrap,
                "kafka.client.security.protocol", "SSL",
                "kafka.client.ssl.truststore.location", trustStore.toAbsolutePath().toString(),
                "kafka.client.ssl.truststore.password", PASSWORD,
                "kafka.client.ssl.truststore.type", "PKCS12",
                "checkpoint.interval", "1s",
                "job.parallelism", "1",
                "output.embedding", "none");
    }

    private static void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool %s: %s", args[0], output).isZero();
    }
}
