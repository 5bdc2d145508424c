package dev.faqmatch.testkit;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker (the project's {@link LocalKafka}) for the duration of a test class, with
 * the job's default topics, two partitions each.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private final LocalKafka.Tls tls;
    private LocalKafka kafka;

    /** @param name the broker's data folder under {@code target/} */
    public KafkaBrokerExtension(String name) {
        this(name, null);
    }

    /** With a second, TLS listener. */
    public KafkaBrokerExtension(String name, LocalKafka.Tls tls) {
        this.name = name;
        this.tls = tls;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = LocalKafka.start(Path.of("target", name), 0, tls);
        kafka.createTopics(2, Topics.DEFAULTS.toArray(String[]::new));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
        }
    }

    public LocalKafka get() {
        return kafka;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
