package dev.faqmatch.job;

import dev.faqmatch.tools.LocalKafka;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker (the project's {@link LocalKafka}) for the duration of a test class, with
 * the job's three default topics; and the MiniCluster the job's integration tests run on.
 */
final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
    static final List<String> DEFAULT_TOPICS = List.of("questions", "faq-matches", "questions-dlq");

    private final String name;
    private final LocalKafka.Tls tls;
    private LocalKafka kafka;

    KafkaBroker(String name) {
        this(name, null);
    }

    KafkaBroker(String name, LocalKafka.Tls tls) {
        this.name = name;
        this.tls = tls;
    }

    /** One TaskManager with {@code slots} slots. */
    static MiniClusterExtension miniCluster(int slots) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = LocalKafka.start(Path.of("target", name), 0, tls);
        kafka.createTopics(2, DEFAULT_TOPICS.toArray(String[]::new));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
        }
    }

    LocalKafka get() {
        return kafka;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
