package dev.faqmatch.tools;

import dev.faqmatch.testkit.LocalKafka;
import dev.faqmatch.testkit.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Keeps the project's Kafka broker ({@link LocalKafka}) running until this process is stopped, for
 * {@code deploy/kafka.sh} and a Flink cluster of {@code deploy/cluster.sh}: the demo's broker
 * lives only as long as the demo.
 *
 * <p>Options: {@code --port N} (default 19092), {@code --dir DIR} (default .kafka/broker),
 * {@code --partitions N} (default 2), {@code --topics a,b,c} (default the job's three topics),
 * {@code --pid-file FILE} (the broker process's pid, so that a script can stop it even if this
 * process dies).
 */
public final class KafkaServer {
    private KafkaServer() {}

    public static void main(String[] args) throws Exception {
        int port = Topics.LOCAL_BROKER_PORT;
        int partitions = 2;
        Path dir = Path.of(".kafka", "broker");
        Path pidFile = null;
        List<String> topics = new ArrayList<>(Topics.DEFAULTS);
        for (int i = 0; i < args.length; i += 2) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[i + 1];
            switch (option) {
                case "--port" -> port = Integer.parseInt(value);
                case "--dir" -> dir = Path.of(value);
                case "--partitions" -> partitions = Integer.parseInt(value);
                case "--topics" -> topics = List.of(value.split(","));
                case "--pid-file" -> pidFile = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + option
                        + ": --port, --dir, --partitions, --topics, --pid-file");
            }
        }
        LocalKafka kafka = LocalKafka.start(dir, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "stop-kafka"));
        if (pidFile != null) {
            Files.writeString(pidFile, Long.toString(kafka.pid()));
        }
        kafka.createTopics(partitions, topics.toArray(String[]::new));
        // deploy/kafka.sh waits for this line.
        System.out.printf("Kafka %s ready on %s (broker pid %d, data in %s); topics %s%n",
                org.apache.kafka.common.utils.AppInfoParser.getVersion(), kafka.bootstrapServers(), kafka.pid(),
                dir.toAbsolutePath(), String.join(", ", topics));
        System.out.flush();
        stopped.await();
    }
}
