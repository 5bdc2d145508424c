package dev.faqmatch.tools;

import dev.faqmatch.cli.Cli;
import dev.faqmatch.testkit.LocalKafka;
import dev.faqmatch.testkit.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Keeps the project's Kafka broker ({@link LocalKafka}) running until this process is stopped, for
 * {@code deploy/kafka.sh} and a Flink cluster of {@code deploy/cluster.sh}: the demo's broker
 * lives only as long as the demo.
 *
 * <p>Started by {@code deploy/kafka.sh start}; {@code --help} lists the options.
 */
public final class KafkaServer {
    private KafkaServer() {}

    @Command(name = "dev.faqmatch.tools.KafkaServer", sortOptions = false,
            description = {"Runs the project's Kafka broker until this process is stopped (deploy/kafka.sh start).", ""})
    static final class Options {
        @Option(names = "--port", paramLabel = "N", description = "The broker's port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int port = Topics.LOCAL_BROKER_PORT;

        @Option(names = "--dir", paramLabel = "DIR", description = "The broker's data (default: ${DEFAULT-VALUE}).")
        Path dir = Path.of(".kafka", "broker");

        @Option(names = "--partitions", paramLabel = "N", description = "Partitions of each topic (default: ${DEFAULT-VALUE}).")
        int partitions = 2;

        @Option(names = "--topics", paramLabel = "NAME", split = ",",
                description = "Topics to create (default: the job's, ${DEFAULT-VALUE}).")
        List<String> topics = Topics.DEFAULTS;

        @Option(names = "--pid-file", paramLabel = "FILE",
                description = "Where to write the broker process's pid, so that a script can stop it even if this"
                        + " process dies.")
        Path pidFile;
    }

    public static void main(String[] args) throws Exception {
        Options o = Cli.parseOrExit(new Options(), args);
        LocalKafka kafka = LocalKafka.start(o.dir, o.port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "stop-kafka"));
        if (o.pidFile != null) {
            Files.writeString(o.pidFile, Long.toString(kafka.pid()));
        }
        kafka.createTopics(o.partitions, o.topics.toArray(String[]::new));
        // deploy/kafka.sh waits for this line.
        System.out.printf("Kafka %s ready on %s (broker pid %d, data in %s); topics %s%n",
                org.apache.kafka.common.utils.AppInfoParser.getVersion(), kafka.bootstrapServers(), kafka.pid(),
                o.dir.toAbsolutePath(), String.join(", ", o.topics));
        System.out.flush();
        stopped.await();
    }
}
