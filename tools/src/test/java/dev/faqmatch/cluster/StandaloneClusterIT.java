package dev.faqmatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faqmatch.flink.internal.MatcherMetrics;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.testkit.KafkaClients;
import dev.faqmatch.testkit.QuestionFile;
import dev.faqmatch.testkit.QuestionRecord;
import dev.faqmatch.testkit.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The users' path on a real Flink standalone session cluster, through the project's own scripts:
 * {@code deploy/kafka.sh} starts a broker, {@code deploy/cluster.sh} a JobManager and a TaskManager
 * (separate JVMs, Flink jars from Maven, ONNX Runtime in the cluster's lib/), the job jar is
 * submitted with Flink's CLI, and the same jar again, as a second job running next to the first,
 * through the REST API. Questions in, match events out (read_committed), the job's own metrics on
 * the TaskManager's Prometheus endpoint, then cancel, stop, and no process left behind.
 */
@Timeout(value = 9, unit = TimeUnit.MINUTES)
class StandaloneClusterIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path CLUSTER_DIR = ROOT.resolve("target/cluster-it");
    private static final Path KAFKA_DIR = ROOT.resolve("target/cluster-it-kafka");
    private static final Path OUTPUT_DIR = ROOT.resolve("target/cluster-it-output");
    private static final String MAIN_CLASS = "dev.faqmatch.job.FaqMatcherJob";
    private static final int QUESTIONS = 40;
    private static final List<String> MALFORMED = List.of("{\"id\": \"bad-1\"}", "not json");
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern PROMETHEUS_PORT = Pattern.compile("Started PrometheusReporter HTTP server on port (\\d+)");
    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{(.*)\\} (\\S+)$");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static int kafkaPort;
    private static int restPort;
    private static int sqlGatewayPort;
    private static String bootstrap;
    private static final List<Long> pids = new ArrayList<>();

    @BeforeAll
    static void startKafkaAndCluster() throws Exception {
        Files.createDirectories(OUTPUT_DIR);
        kafkaPort = freePort();
        bootstrap = "127.0.0.1:" + kafkaPort;
        restPort = freePort();
        sqlGatewayPort = freePort();
        int prometheus = freePort();
        long start = System.nanoTime();
        // The cluster does not need the broker to start: both at once.
        String[] clusterStart = {"deploy/cluster.sh", "start",
                "-D", "rest.port=" + restPort,
                "-D", "jobmanager.rpc.port=" + freePort(),
                "-D", "metrics.reporter.prom.port=" + prometheus + "-" + (prometheus + 20)};
        Process cluster = launch("cluster-start", clusterStart);
        try {
            script(Duration.ofMinutes(2), "kafka-start", "deploy/kafka.sh", "start");
        } finally {
            String out = finish(cluster, Duration.ofMinutes(4), "cluster-start", clusterStart);
            System.out.printf("Kafka and cluster started in %.1f s:%n%s%n", (System.nanoTime() - start) / 1e9, out);
        }
        pids.add(pid(KAFKA_DIR.resolve("kafka-server.pid")));
        pids.add(pid(KAFKA_DIR.resolve("kafka-broker.pid")));
        pids.add(pid(CLUSTER_DIR.resolve("jobmanager.pid")));
        pids.add(pid(CLUSTER_DIR.resolve("taskmanager-1.pid")));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            script(Duration.ofMinutes(2), "cluster-stop", "deploy/cluster.sh", "stop");
        } finally {
            script(Duration.ofMinutes(1), "kafka-stop", "deploy/kafka.sh", "stop");
        }
        // Nothing the scripts started survives them: not the recorded JVMs, nor any other JVM
        // that names the cluster's or the broker's folder.
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("process %d alive", pid).isFalse();
        }
        List<String> leftovers = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(CLUSTER_DIR.toString()) || c.contains(KAFKA_DIR.toString()))
                        .orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
        assertThat(leftovers).as("processes left behind").isEmpty();
    }

    @Test
    void submitTwiceMatchAndExposeMetrics() throws Exception {
        // ONNX Runtime and the tokenizer come from the cluster's lib/, never from the job jar: their
        // native libraries load once per JVM, so a second job that brought them would fail.
        Path jar = jobJar();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertThat(zip.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("ai/onnxruntime/") || n.startsWith("ai/djl/"))).as("ORT/DJL classes in " + jar).isEmpty();
        }
        try (Stream<Path> lib = Files.list(CLUSTER_DIR.resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("onnxruntime_gpu-"))
                    .anyMatch(n -> n.startsWith("tokenizers-"))
                    .anyMatch(n -> n.startsWith("flink-runtime-web-"));
        }

        Set<String> ids = publishQuestions();

        // First job: Flink's CLI (flink run -d), as the README does it.
        String submitted = script(Duration.ofMinutes(3), "submit-1", "deploy/cluster.sh", "submit",
                "--kafka.bootstrap-servers", bootstrap,
                "--job.name", "faq-matcher-it-1",
                "--kafka.group-id", "it-1",
                "--kafka.transactional-id-prefix", "it-1",
                "--checkpoint.interval", "1s",
                "--output.embedding", "none");
        Matcher m = JOB_ID.matcher(submitted);
        assertThat(m.find()).as("CLI output: " + submitted).isTrue();
        String job1 = m.group(1);
        long t0 = System.nanoTime();
        Map<String, JsonNode> matches1 = readUntil("faq-matches", "questions-dlq", ids, "reader-1");
        System.out.printf("Job 1 (CLI): %d match events in %.1f s after submission%n", matches1.size(), (System.nanoTime() - t0) / 1e9);

        // Second job, same jar, same TaskManager, next to the first: the REST API this time.
        String jarId = uploadJar(jar);
        List<String> args = List.of("--kafka.bootstrap-servers", bootstrap,
                "--job.name", "faq-matcher-it-2",
                "--kafka.group-id", "it-2",
                "--kafka.transactional-id-prefix", "it-2",
                "--kafka.matches-topic", "faq-matches-2",
                "--kafka.dead-letter-topic", "questions-dlq-2",
                "--checkpoint.interval", "1s",
                "--output.embedding", "none");
        ObjectNode run = MAPPER.createObjectNode().put("entryClass", MAIN_CLASS).put("parallelism", 1);
        args.forEach(run.putArray("programArgsList")::add);
        JsonNode ran = rest("POST", "/jars/" + jarId + "/run", run.toString());
        String job2 = ran.path("jobid").asText();
        assertThat(job2).as("REST run answer " + ran).matches("[0-9a-f]{32}");
        t0 = System.nanoTime();
        Map<String, JsonNode> matches2 = readUntil("faq-matches-2", "questions-dlq-2", ids, "reader-2");
        System.out.printf("Job 2 (REST): %d match events in %.1f s after submission%n", matches2.size(), (System.nanoTime() - t0) / 1e9);

        assertThat(jobState(job1)).isEqualTo("RUNNING");
        assertThat(jobState(job2)).isEqualTo("RUNNING");
        assertThat(matches1.keySet()).isEqualTo(ids);
        assertThat(matches2.keySet()).isEqualTo(ids);
        for (JsonNode event : matches2.values()) {
            assertThat(event.path("model").asText()).isEqualTo(ModelSource.BUNDLED.get(0));
            assertThat(event.path("matches")).isNotEmpty();
        }
        String tmLog = Files.readString(CLUSTER_DIR.resolve("log/taskmanager-1.log"));
        assertThat(tmLog).doesNotContain("already loaded in another classloader").doesNotContain("UnsatisfiedLinkError");
        assertThat(Pattern.compile("Slot 1/1 ready in").matcher(tmLog).results().count()).as("slots opened").isGreaterThanOrEqualTo(2);

        assertMetrics(job1, job2);

        script(Duration.ofMinutes(1), "cancel-1", "deploy/cluster.sh", "cancel", job1);
        rest("PATCH", "/jobs/" + job2 + "?mode=cancel", null);
        await(Duration.ofMinutes(1), "both jobs cancelled",
                () -> jobState(job1).equals("CANCELED") && jobState(job2).equals("CANCELED"));
    }

    /**
     * The documented SQL path: deploy/sql.sh starts Flink's SQL gateway for the cluster and runs the
     * example script (on its own topics here) with Flink's SQL client; every question comes back
     * from ML_PREDICT of the faq-matcher model, a question without text with route human.
     */
    @Test
    void theSqlScriptRunsThroughFlinksSqlClient() throws Exception {
        Path script = OUTPUT_DIR.resolve("faq-matcher-it.sql");
        Files.writeString(script, Files.readString(ROOT.resolve("flink-conf/sql/faq-matcher.sql"))
                .replace("'topic' = 'questions'", "'topic' = 'sql-questions'")
                .replace("'5s'", "'1s'"));
        List<QuestionFile.Entry> samples = QuestionFile.read(QuestionFile.SAMPLE);
        Set<String> ids = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
            for (int i = 0; i < 10; i++) {
                ids.add("sql-" + i);
                producer.send(QuestionRecord.of("sql-" + i, samples.get(i).text()).toRecord("sql-questions"));
            }
            producer.send(new ProducerRecord<>("sql-questions", "{\"id\": \"sql-no-text\"}".getBytes(StandardCharsets.UTF_8)));
        }
        ids.add("sql-no-text");
        String out = script(Duration.ofMinutes(4), "sql", "deploy/sql.sh", script.toString());
        assertThat(out).contains("SQL update statement has been successfully submitted");

        Map<String, JsonNode> rows = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.readCommittedConsumer(bootstrap, "sql-reader")) {
            consumer.subscribe(List.of("faq-matches-sql"));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!rows.keySet().containsAll(ids) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode row = MAPPER.readTree(record.value());
                    rows.put(row.get("id").asText(), row);
                }
            }
        }
        assertThat(rows.keySet()).as("rows on faq-matches-sql").containsAll(ids);
        assertThat(rows.get("sql-no-text").get("route").asText()).isEqualTo("human");
        assertThat(rows.get("sql-0").get("matches")).isNotEmpty();
        String gateway = Files.readString(CLUSTER_DIR.resolve("sql-gateway.pid")).strip();
        pids.add(Long.parseLong(gateway)); // stopped with the cluster (checked after all tests)
        script(Duration.ofMinutes(1), "cancel-sql", "deploy/cluster.sh", "cancel");
    }

    /** The job's own metrics, per job, on the TaskManager's Prometheus endpoint. */
    private void assertMetrics(String job1, String job2) throws Exception {
        Matcher port = PROMETHEUS_PORT.matcher(Files.readString(CLUSTER_DIR.resolve("log/taskmanager-1.log")));
        assertThat(port.find()).as("TaskManager log names its Prometheus port").isTrue();
        URI endpoint = URI.create("http://127.0.0.1:" + port.group(1) + "/metrics");
        String prefix = "flink_taskmanager_job_task_operator_" + MatcherMetrics.GROUP + "_";
        List<String> positive = List.of("questions", "matched", "matchedRatio", "batchSize", "batchMillis",
                "questionsPerSecond", "deadLetters", "batchSizeHistogram_count", "batchMillisHistogram_count");
        // Present, and zero here: nothing waits once all questions are answered, and there is no GPU.
        List<String> present = List.of("queueDepth", "onGpu", "unmatched", "failedBatches");
        Map<String, Map<String, Double>> byJob = new HashMap<>();
        // The meter (questionsPerSecond) is recomputed every few seconds: poll until it has been.
        await(Duration.ofSeconds(60), "the job's metrics on " + endpoint, () -> {
            byJob.clear();
            String text;
            try {
                text = HTTP.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            for (String line : text.split("\n")) {
                Matcher s = SAMPLE.matcher(line);
                if (s.matches() && s.group(1).startsWith(prefix) && !s.group(2).contains("quantile=")) {
                    Matcher job = Pattern.compile("job_id=\"([0-9a-f]{32})\"").matcher(s.group(2));
                    if (job.find()) {
                        byJob.computeIfAbsent(job.group(1), k -> new HashMap<>())
                                .merge(s.group(1).substring(prefix.length()), Double.parseDouble(s.group(3)), Double::sum);
                    }
                }
            }
            return Stream.of(job1, job2).allMatch(j -> byJob.containsKey(j)
                    && positive.stream().allMatch(n -> byJob.get(j).getOrDefault(n, 0.0) > 0)
                    && byJob.get(j).keySet().containsAll(present));
        });
        System.out.println("Prometheus " + endpoint + ", " + prefix + "*:");
        byJob.forEach((job, metrics) -> System.out.println("  job " + job + ": " + new java.util.TreeMap<>(metrics)));
        assertThat(byJob.get(job1).get("questions")).isEqualTo(QUESTIONS);
        assertThat(byJob.get(job1).get("deadLetters")).isEqualTo(MALFORMED.size());
        assertThat(byJob.get(job1).get("onGpu")).isZero();
    }

    private static Set<String> publishQuestions() throws Exception {
        List<QuestionFile.Entry> samples = QuestionFile.read(QuestionFile.SAMPLE);
        Set<String> ids = new HashSet<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
            for (int i = 0; i < QUESTIONS; i++) {
                String id = "cluster-" + run + "-" + i;
                ids.add(id);
                producer.send(QuestionRecord.of(id, samples.get(i % samples.size()).text()).toRecord(Topics.QUESTIONS));
            }
            for (String bad : MALFORMED) {
                producer.send(new ProducerRecord<>("questions", null, bad.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return ids;
    }

    /** Reads committed match events until every id came back (and the dead letters did). */
    private static Map<String, JsonNode> readUntil(String matchesTopic, String deadLetterTopic, Set<String> ids, String group)
            throws Exception {
        Map<String, JsonNode> matches = new LinkedHashMap<>();
        int deadLetters = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.readCommittedConsumer(bootstrap, group)) {
            consumer.subscribe(List.of(matchesTopic, deadLetterTopic));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while ((!matches.keySet().containsAll(ids) || deadLetters < MALFORMED.size()) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode event = MAPPER.readTree(record.value());
                    if (record.topic().equals(deadLetterTopic)) {
                        deadLetters++;
                    } else {
                        assertThat(matches.put(event.get("id").asText(), event)).as("duplicate " + event.get("id")).isNull();
                    }
                }
            }
        }
        if (!matches.keySet().containsAll(ids)) {
            fail("only " + matches.size() + " of " + ids.size() + " match events on " + matchesTopic + "; see "
                    + CLUSTER_DIR.resolve("log"));
        }
        assertThat(deadLetters).as("dead letters on " + deadLetterTopic).isEqualTo(MALFORMED.size());
        return matches;
    }

    /** POST /jars/upload (multipart, field "jarfile"): the jar's id on the cluster. */
    private static String uploadJar(Path jar) throws Exception {
        String boundary = "----faq-matcher-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(restBase() + "/jars/upload"))
                .timeout(Duration.ofMinutes(1))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = MAPPER.readTree(response.body());
        assertThat(answer.path("status").asText()).as("upload answer " + response.body()).isEqualTo("success");
        return Path.of(answer.get("filename").asText()).getFileName().toString();
    }

    private static JsonNode rest(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(restBase() + path)).timeout(Duration.ofMinutes(2));
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return response.body().isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(response.body());
    }

    private static String jobState(String jobId) {
        try {
            return rest("GET", "/jobs/" + jobId, null).path("state").asText();
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String restBase() {
        return "http://localhost:" + restPort;
    }

    /** Runs a project script with this test's folders and ports; its output, or a failure with it. */
    private static String script(Duration timeout, String name, String... command) throws Exception {
        return finish(launch(name, command), timeout, name, command);
    }

    private static Process launch(String name, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(OUTPUT_DIR.resolve(name + ".out").toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CLUSTER_DIR", CLUSTER_DIR.toString());
        env.put("CLUSTER_CONF", "flink-conf/cluster");
        env.put("TASKMANAGERS", "1");
        env.put("KAFKA_DIR", KAFKA_DIR.toString());
        env.put("KAFKA_PORT", Integer.toString(kafkaPort));
        env.put("KAFKA_TOPICS", "questions,faq-matches,questions-dlq,faq-matches-2,questions-dlq-2,sql-questions,faq-matches-sql");
        env.put("SQL_GATEWAY_PORT", Integer.toString(sqlGatewayPort));
        env.put("BOOTSTRAP", bootstrap);
        // Failsafe runs after package: use target/ as it is rather than building inside the build.
        env.put("FAQ_MATCHER_NO_BUILD", "1");
        return builder.start();
    }

    private static String finish(Process process, Duration timeout, String name, String... command) throws Exception {
        Path output = OUTPUT_DIR.resolve(name + ".out");
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within " + timeout + ":\n" + Files.readString(output));
        }
        String text = Files.readString(output);
        if (process.exitValue() != 0) {
            fail(String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + text);
        }
        return text;
    }

    private static Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("faq-matcher-.*\\.jar")
                            && !p.getFileName().toString().startsWith("original-"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no job jar in target/: mvn package builds it"));
        }
    }

    private static long pid(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).strip());
    }

    private static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " did not happen within " + timeout);
            }
            Thread.sleep(1000);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
