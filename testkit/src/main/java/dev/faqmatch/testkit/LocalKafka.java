package dev.faqmatch.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) for the demo and
 * the tests, listening on loopback only, its data in a folder of the project. It runs as a
 * separate JVM from the {@code org.apache.kafka:kafka_2.13} jars whose classpath Maven writes to
 * {@code target/kafka-broker.classpath}, at the same version as the job's kafka-clients.
 */
public final class LocalKafka implements AutoCloseable {
    /** System property naming the broker's classpath file. */
    public static final String CLASSPATH_PROPERTY = "kafka.broker.classpath";
    public static final Path DEFAULT_CLASSPATH_FILE = Path.of("target", "kafka-broker.classpath");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /**
     * A TLS listener's key store (PKCS12), for testing that the job's Kafka security settings
     * reach its clients.
     */
    public record Tls(Path keyStore, String password) {}

    private final Path dir;
    private final int port;
    private final int tlsPort;
    private final Process process;
    private boolean closed;

    private LocalKafka(Path dir, int port, int tlsPort, Process process) {
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
        this.process = process;
    }

    /**
     * Formats a fresh data folder under {@code dir} and starts the broker on {@code port} (0 for
     * any free port); returns once it answers.
     */
    public static LocalKafka start(Path dir, int port) throws IOException, InterruptedException {
        return start(dir, port, null);
    }

    /** As {@link #start(Path, int)}, with a second listener that speaks TLS when {@code tls} is given. */
    public static LocalKafka start(Path dir, int port, Tls tls) throws IOException, InterruptedException {
        String classpath = brokerClasspath();
        if (port > 0) {
            requireFree(port);
        }
        int brokerPort = port > 0 ? port : freePort();
        int controllerPort = freePort();
        int tlsPort = tls == null ? -1 : freePort();
        String listeners = "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort
                + (tls == null ? "" : ",SSL://127.0.0.1:" + tlsPort);
        String tlsConfig = tls == null ? "" : String.join("\n",
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.location=" + tls.keyStore().toAbsolutePath(),
                "ssl.keystore.password=" + tls.password(),
                "ssl.key.password=" + tls.password(),
                "");
        deleteRecursively(dir);
        Files.createDirectories(dir);
        String clusterId = Uuid.randomUuid().toString();
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=" + listeners,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort
                        + (tls == null ? "" : ",SSL://127.0.0.1:" + tlsPort),
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL",
                tlsConfig,
                "log.dirs=" + dir.resolve("data").toAbsolutePath(),
                "num.partitions=2",
                "auto.create.topics.enable=false",
                // fuzz tests publish multi-megabyte records
                "message.max.bytes=8388608",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // A single-node broker sharing a small machine with the job: fewer idle threads and
                // metadata no-op records halve its idle CPU (measured 47-51 -> 27-33 ms/s), which
                // otherwise comes out of the model's share of the cores.
                "metadata.max.idle.interval.ms=10000",
                "num.network.threads=1",
                "num.io.threads=2",
                "background.threads=2",
                "") );
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(log4j, String.join("\n",
                "rootLogger.level=WARN",
                "rootLogger.appenderRef.file.ref=file",
                "appender.file.type=File",
                "appender.file.name=file",
                "appender.file.fileName=" + dir.resolve("broker.log").toAbsolutePath(),
                "appender.file.layout.type=PatternLayout",
                "appender.file.layout.pattern=[%d] %p %m (%c)%n",
                ""));
        Path output = dir.resolve("broker.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> common = List.of(java, "-Xms256m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:CICompilerCount=2",
                "-Djava.io.tmpdir=" + dir.toAbsolutePath(), "-Dlog4j2.configurationFile=" + log4j.toAbsolutePath(),
                "-cp", classpath);
        List<String> format = new ArrayList<>(common);
        format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", clusterId,
                "-c", config.toAbsolutePath().toString()));
        Process formatter = new ProcessBuilder(format).redirectErrorStream(true)
                .redirectOutput(dir.resolve("format.out").toFile()).start();
        if (!formatter.waitFor(60, TimeUnit.SECONDS) || formatter.exitValue() != 0) {
            formatter.destroyForcibly();
            throw new IOException("formatting Kafka storage failed: " + tail(dir.resolve("format.out")));
        }
        List<String> serve = new ArrayList<>(common);
        serve.addAll(List.of("kafka.Kafka", config.toAbsolutePath().toString()));
        Process process = new ProcessBuilder(serve).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        LocalKafka kafka = new LocalKafka(dir, brokerPort, tlsPort, process);
        try {
            kafka.awaitReady(clusterId);
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    private static String brokerClasspath() throws IOException {
        Path file = Path.of(System.getProperty(CLASSPATH_PROPERTY, DEFAULT_CLASSPATH_FILE.toString()));
        if (!Files.isRegularFile(file)) {
            throw new IOException("Kafka broker classpath " + file.toAbsolutePath() + " is missing: build the project"
                    + " first (mvn -DskipTests package writes it)");
        }
        return Files.readString(file).strip();
    }

    /** Waits until this broker, not some other one on the port, answers. */
    private void awaitReady(String clusterId) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Kafka broker exited with code " + process.exitValue() + ": "
                        + tail(dir.resolve("broker.out")) + " " + tail(dir.resolve("broker.log")));
            }
            try (Admin admin = admin()) {
                String answering = admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                if (!clusterId.equals(answering)) {
                    throw new IOException("another Kafka broker answers on " + bootstrapServers());
                }
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                Thread.sleep(250);
            }
        }
        throw new IOException("Kafka broker did not answer on " + bootstrapServers() + " within " + START_TIMEOUT);
    }

    /** Creates topics (those that exist are left as they are). */
    public void createTopics(int partitions, String... topics) throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    /**
     * Creates a compacted topic (as the FAQ topic must be: the latest record of each key is the
     * bank), unless it exists.
     */
    public void createCompactedTopic(String topic, int partitions) throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The TLS listener's address; only when started with {@link Tls}. */
    public String tlsBootstrapServers() {
        if (tlsPort < 0) {
            throw new IllegalStateException("this broker was started without TLS");
        }
        return "127.0.0.1:" + tlsPort;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the broker (and its children) and deletes its data folder; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static void requireFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IOException("port " + port + " on 127.0.0.1 is in use (another Kafka broker or demo?):"
                    + " stop it or choose another port", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no " + file.getFileName() + ")";
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
