package dev.faqmatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.job.FaqMatcherJob;
import dev.faqmatch.testkit.KafkaClients;
import dev.faqmatch.testkit.LocalKafka;
import dev.faqmatch.testkit.QuestionRecord;
import dev.faqmatch.testkit.WarmUp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import dev.faqmatch.flink.internal.MatcherMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.util.MiniClusterPipelineExecutorServiceLoader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The whole job, as deployed: a real Kafka broker (a separate process, as in production), the
 * job on a local Flink session cluster in this JVM (the TaskManager whose memory is reported),
 * questions in, match events out. Every run is a job submitted to the same cluster, as jobs come
 * and go on a long-running TaskManager: a cluster per job would load Flink's RPC system into a new
 * class loader each time and spend seconds of JIT on it in the middle of the measurement.
 */
final class EndToEndBench implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final double LATENCY_WARM_UP_SECONDS = 60;

    /**
     * @param jobCpuMsPerQuestion CPU time of this JVM (Flink, the job, ONNX Runtime) per question,
     *     between the first and the last match event a consumer sees
     * @param brokerCpuMsPerQuestion the same for the Kafka broker process
     * @param restCores cores the rest of the machine (other processes) used meanwhile
     * @param rssSamplesMiB this JVM's resident memory, sampled every 2 s while questions flow
     * @param pipeline datastream (the job) or sql (ML_PREDICT)
     * @param meanBatchSize texts per model run, averaged over the slots' last batches
     */
    record Throughput(String model, String delivery, int questions, double seconds, double perSecond,
            double repeatShare, double rssBeforeMiB, double rssPeakMiB, double rssEndMiB, double jobCpuMsPerQuestion,
            double brokerCpuMsPerQuestion, Map<String, Double> threadCpuMsPerQuestion,
            Map<String, Double> gcJitMsPerQuestion, double restCores, List<Double> rssSamplesMiB, String pipeline,
            double meanBatchSize) {}

    /** CPU counters at one moment. */
    private record Snapshot(long wallMillis, long jobNanos, long brokerNanos, long machineNanos, long stealNanos,
            Map<String, Long> threads, Map<String, Long> gcJitMillis) {
        static Snapshot take(long brokerPid) {
            long[] machine = Cpu.machineBusyAndStealNanos();
            return new Snapshot(System.currentTimeMillis(), Cpu.processNanos(), Cpu.processNanos(brokerPid), machine[0],
                    machine[1], Cpu.byThreadGroup(), Cpu.gcAndJitMillis());
        }

        /** Cores used between two snapshots: this JVM, the broker, the rest of the machine, stolen. */
        CpuWindow until(Snapshot later, long originMillis) {
            double wallNanos = Math.max(1, later.wallMillis - wallMillis) * 1e6;
            double job = (later.jobNanos - jobNanos) / wallNanos;
            double broker = (later.brokerNanos - brokerNanos) / wallNanos;
            double machine = (later.machineNanos - machineNanos) / wallNanos;
            return new CpuWindow((wallMillis - originMillis) / 1000.0, round2(job), round2(broker),
                    round2(Math.max(0, machine - job - broker)), round2((later.stealNanos - stealNanos) / wallNanos),
                    later.gcJitMillis.getOrDefault(JIT, 0L) - gcJitMillis.getOrDefault(JIT, 0L),
                    later.gcJitMillis.getOrDefault(GC, 0L) - gcJitMillis.getOrDefault(GC, 0L));
        }
    }

    private static final String JIT = "JIT (compilation time)";
    private static final String GC = "GC (collection time)";

    /**
     * Cores busy in one interval, from {@code atSeconds} (since the run's first question): the job's
     * JVM (here also the load generator), the broker, every other process of the machine (which
     * tells whether the machine was quiet), and time the hypervisor took (steal); the JIT's and the
     * collectors' milliseconds in it.
     */
    record CpuWindow(double atSeconds, double jobCores, double brokerCores, double restCores, double stealCores,
            long jitMillis, long gcMillis) {}

    private static double round2(double d) {
        return Math.round(d * 100) / 100.0;
    }

    /**
     * A read_committed consumer that waits for 64 KB per fetch: timing comes from the records'
     * timestamps, so fewer, larger fetches only spare the broker's CPU (which shares the cores).
     */
    private KafkaConsumer<byte[], byte[]> batchingConsumer(String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 250);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private static Map<String, Long> scale(Map<String, Long> millis) {
        Map<String, Long> nanos = new LinkedHashMap<>();
        millis.forEach((k, v) -> nanos.put(k, v * 1_000_000));
        return nanos;
    }

    /**
     * @param measuredFromSeconds where the measured questions start, in the windows' time
     * @param jobCpuMsPerQuestion CPU of this JVM per question while the measured questions flow
     *     (the paced producer and the consumer included: they run in this JVM)
     * @param restCores cores the rest of the machine (other processes) used meanwhile
     * @param publisherWorstLagMs the paced producer's worst delay against its schedule
     * @param windows latency by 2-s window of publish time, warm-up included
     * @param cpu cores busy by 2-s window, on the same clock
     */
    record Latency(String model, String delivery, double targetRate, double achievedRate, int questions,
            double p50, double p95, double p99, double max, double rssPeakMiB, double measuredFromSeconds,
            double jobCpuMsPerQuestion, double brokerCpuMsPerQuestion, Map<String, Double> threadCpuMsPerQuestion,
            double restCores, double publisherWorstLagMs, List<Window> windows, List<CpuWindow> cpu) {}

    /**
     * The questions published in one 2-s window, from {@code fromSeconds} since the run's first:
     * publish -> arrival at a consumer (median, max), and the medians of publish -> the job's sink
     * sending the event and publish -> the broker acknowledging the question.
     */
    record Window(double fromSeconds, int questions, double medianMs, double maxMs, double medianToSinkMs,
            double medianToAckMs) {}

    /** The resource faq.bank names by default ({@code classpath:samples/faq-bank.jsonl}). */
    private static final String JOB_BANK_RESOURCE = MatcherConfig.FAQ_BANK.parse(null).substring("classpath:".length());

    private final Path work;
    private final LocalKafka kafka;
    private final MiniCluster flink;
    private final int parallelism;
    private int runs;

    EndToEndBench(Path work, int parallelism) throws Exception {
        this.parallelism = parallelism;
        this.work = work;
        this.kafka = LocalKafka.start(work.resolve("kafka"), 0);
        Configuration config = new Configuration();
        config.set(CoreOptions.TMP_DIRS, work.resolve("flink-tmp").toAbsolutePath().toString());
        config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(parallelism)
                .build());
        try {
            cluster.start();
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
        this.flink = cluster;
    }

    /**
     * N questions already in the topic, the job reading from the earliest offset: questions/s
     * from the first match event to the last (the Kafka timestamps the job's sink gives them, so
     * a read_committed consumer's wait for the checkpoint does not count).
     */
    Throughput throughput(String model, String modelDir, List<String> texts, Map<String, String> settings)
            throws Exception {
        return throughput(model, modelDir, texts, settings, Pipeline.DATASTREAM);
    }

    /** How the questions are matched: the DataStream job, or Flink SQL's ML_PREDICT of the faq-matcher model. */
    enum Pipeline { DATASTREAM, SQL }

    Throughput throughput(String model, String modelDir, List<String> texts, Map<String, String> settings,
            Pipeline pipeline) throws Exception {
        String run = "t" + (++runs);
        kafka.createTopics(parallelism, "questions-" + run, "matches-" + run, "dlq-" + run);
        publish(run, texts);
        Map<String, String> config = settings(run, modelDir, settings);
        Rss.resetPeak();
        double before = Rss.currentMiB();
        JobClient job = pipeline == Pipeline.SQL ? startSql(config, run) : start(config, run);
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int seen = 0;
        double peak;
        List<Snapshot> snapshots = new ArrayList<>();
        List<Long> stamps = new ArrayList<>(texts.size());
        List<Double> rss = new ArrayList<>();
        double batchSize;
        long nextSample = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = batchingConsumer("bench-" + run)) {
            consumer.subscribe(List.of("matches-" + run, "dlq-" + run));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180 + texts.size() / 20);
            while (seen < texts.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.topic().startsWith("dlq-")) {
                        throw new IllegalStateException("dead letter in the benchmark: " + new String(r.value(),
                                StandardCharsets.UTF_8));
                    }
                    seen++;
                    first = Math.min(first, r.timestamp());
                    last = Math.max(last, r.timestamp());
                    stamps.add(r.timestamp());
                }
                if (System.nanoTime() >= nextSample) {
                    snapshots.add(Snapshot.take(kafka.pid()));
                    if (seen > 0) {
                        rss.add(Math.rint(Rss.currentMiB()));
                    }
                    nextSample = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                }
            }
            peak = Rss.peakMiB();
            batchSize = meanBatchSize(job.getJobID().toString());
            // The JobManager fetches metrics every 10 s (metrics.fetcher.update-interval): a short
            // run may end before its first fetch.
            for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(25); Double.isNaN(batchSize)
                    && System.nanoTime() < until; ) {
                Thread.sleep(1000);
                batchSize = meanBatchSize(job.getJobID().toString());
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        if (seen < texts.size()) {
            throw new IllegalStateException("only " + seen + " of " + texts.size() + " match events came back in time");
        }
        double seconds = (last - first) / 1000.0;
        // CPU per question: between the first snapshot after the first match (+2 s, once both
        // slots run) and the last one before the last match, over the matches written in between
        Snapshot a = null;
        Snapshot b = null;
        for (Snapshot s : snapshots) {
            if (a == null && s.wallMillis() >= first + 2000) {
                a = s;
            }
            if (s.wallMillis() <= last) {
                b = s;
            }
        }
        double jobCpu = Double.NaN;
        double brokerCpu = Double.NaN;
        Map<String, Double> byThread = Map.of();
        Map<String, Double> gcJit = Map.of();
        double rest = Double.NaN;
        if (a != null && b != null && b.wallMillis() > a.wallMillis()) {
            long from = a.wallMillis();
            long to = b.wallMillis();
            int counted = (int) Math.max(1, stamps.stream().filter(t -> t >= from && t < to).count());
            jobCpu = (b.jobNanos() - a.jobNanos()) / 1e6 / counted;
            brokerCpu = (b.brokerNanos() - a.brokerNanos()) / 1e6 / counted;
            byThread = Cpu.perQuestion(a.threads(), b.threads(), counted);
            gcJit = Cpu.perQuestion(scale(a.gcJitMillis()), scale(b.gcJitMillis()), counted);
            rest = a.until(b, a.wallMillis()).restCores();
        }
        return new Throughput(model, config.get("delivery.guarantee"), texts.size(), seconds,
                (texts.size() - 1) / seconds, BenchTexts.repeatShare(texts), before, peak, Rss.currentMiB(),
                jobCpu, brokerCpu, byThread, gcJit, rest, rss, pipeline.name().toLowerCase(java.util.Locale.ROOT), batchSize);
    }

    /** The questions into this run's questions topic, all acknowledged before the run starts. */
    private void publish(String run, List<String> texts) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
            for (int i = 0; i < texts.size(); i++) {
                String id = run + "-" + i;
                // round-robin over partitions, so that both slots get the same share (as the ceiling's callers do)
                producer.send(new ProducerRecord<>("questions-" + run, i % parallelism,
                        id.getBytes(StandardCharsets.UTF_8), json(id, texts.get(i), null)));
            }
            producer.flush();
        }
    }

    /**
     * The Python peer on the same terms as {@link #throughput}: the questions already in a topic of
     * as many partitions, read from the earliest offset, questions/s from the first match event's
     * Kafka timestamp to the last (the peer's producer sets them when it sends).
     *
     * @param modelDir the model directory the peer loads (the job's run of the same model names it too)
     */
    PythonPeer.Result pythonPeer(PythonPeer peer, String model, String modelDir, List<String> texts)
            throws Exception {
        String run = "p" + (++runs);
        kafka.createTopics(parallelism, "questions-" + run, "matches-" + run);
        publish(run, texts);
        long brokerBefore = Cpu.processNanos(kafka.pid());
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int seen = 0;
        JsonNode summary;
        try (PythonPeer.Run child = peer.start(kafka.bootstrapServers(), "questions-" + run, "matches-" + run,
                        "python-peer-" + run, modelDir, jobBank(), parallelism, texts.size(), work.resolve("python-peer"));
                KafkaConsumer<byte[], byte[]> consumer = batchingConsumer("bench-" + run)) {
            consumer.subscribe(List.of("matches-" + run));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180 + texts.size() / 20);
            while (seen < texts.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    seen++;
                    first = Math.min(first, r.timestamp());
                    last = Math.max(last, r.timestamp());
                }
                child.checkNotFailed();
            }
            if (seen < texts.size()) {
                throw new IllegalStateException("only " + seen + " of " + texts.size() + " Python peer events came"
                        + " back in time; it printed:\n" + String.join("\n", child.printed()));
            }
            summary = child.summary(60);
            child.printed().forEach(line -> Bench.log("python peer: %s", line));
        }
        double brokerCpu = (Cpu.processNanos(kafka.pid()) - brokerBefore) / 1e6 / texts.size();
        double seconds = (last - first) / 1000.0;
        return new PythonPeer.Result(model, texts.size(), parallelism, seconds, (texts.size() - 1) / seconds,
                summary.path("cpu_ms_per_question").asDouble(Double.NaN), round2(brokerCpu), summary.path("routes"));
    }

    /** The job's default FAQ bank (faq.bank) as a file, for a peer outside the JVM. */
    private Path jobBank() throws IOException {
        Path bank = work.resolve("faq-bank.jsonl");
        try (InputStream in = EndToEndBench.class.getClassLoader().getResourceAsStream(JOB_BANK_RESOURCE)) {
            if (in == null) {
                throw new IOException(JOB_BANK_RESOURCE + " is not on the classpath");
            }
            Files.copy(in, bank, StandardCopyOption.REPLACE_EXISTING);
        }
        return bank;
    }

    /**
     * The mean of the model-run batch sizes over the job's slots (metric
     * {@code faqmatcher.batchSizeHistogram_mean}, the last 500 batches), from the cluster's REST API.
     */
    private double meanBatchSize(String jobId) throws Exception {
        String rest = flink.getRestAddress().get().toString();
        HttpClient http = HttpClient.newHttpClient();
        double sum = 0;
        int slots = 0;
        for (JsonNode vertex : get(http, rest + "/jobs/" + jobId).path("vertices")) {
            String base = rest + "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
            for (JsonNode metric : get(http, base)) {
                String id = metric.path("id").asText();
                if (id.endsWith(MatcherMetrics.GROUP + ".batchSizeHistogram_mean")) {
                    for (JsonNode value : get(http, base + "?get=" + id + "&agg=avg")) {
                        sum += value.path("avg").asDouble() * vertex.path("parallelism").asInt();
                        slots += vertex.path("parallelism").asInt();
                    }
                }
            }
        }
        return slots == 0 ? Double.NaN : sum / slots;
    }

    private static JsonNode get(HttpClient http, String uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri)).build(),
                HttpResponse.BodyHandlers.ofString());
        return MAPPER.readTree(response.body());
    }

    /**
     * A paced producer at {@code rate} questions/s for {@code questions} questions; latency from
     * the publish time (the question's "ts", taken at send) to the match event's arrival at a
     * consumer. At-least-once delivery, so that events are visible when written (exactly-once
     * output becomes visible at the next checkpoint, which would dominate).
     */
    Latency latency(String model, String modelDir, List<String> warmUpTexts, List<String> measuredTexts, double rate,
            Map<String, String> settings) throws Exception {
        List<String> texts = new ArrayList<>(warmUpTexts);
        texts.addAll(measuredTexts);
        int warm = warmUpTexts.size();
        String run = "l" + (++runs);
        kafka.createTopics(parallelism, "questions-" + run, "matches-" + run, "dlq-" + run);
        Map<String, String> config = settings(run, modelDir, settings);
        config.put("delivery.guarantee", "at-least-once");
        Rss.resetPeak();
        JobClient job = start(config, run);
        // per question, by index: publish, the broker's ack, the sink's send, arrival (wall ms);
        // 'sent' is written by the publisher thread and read after it has been joined
        long[] sent = new long[texts.size()];
        AtomicLongArray acked = new AtomicLongArray(texts.size());
        long[] sunk = new long[texts.size()];
        long[] arrived = new long[texts.size()];
        List<Snapshot> snapshots = new ArrayList<>();
        int seen = 0;
        double achieved;
        double publisherLagMs;
        try (KafkaConsumer<byte[], byte[]> consumer =
                        KafkaClients.readCommittedConsumer(kafka.bootstrapServers(), "bench-" + run);
                KafkaProducer<byte[], byte[]> producer = pacedProducer()) {
            consumer.subscribe(List.of("matches-" + run, "dlq-" + run));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            if (!WarmUp.answered(producer, consumer, "questions-" + run, "warm-", Duration.ofMinutes(3))) {
                throw new IllegalStateException("the job did not answer its warm-up questions within 3 minutes");
            }
            // The measured questions follow warm-up questions at the same pace, so that a freshly
            // started job's transient (see "The first minute of a new job" in BENCHMARKS.md and
            // the windows logged below) is not in the steady-state figures.
            // how late the producer sent, against its schedule: a question it sent late would be
            // timed from the late send, so a lagging load generator would hide latency
            AtomicLong worstLag = new AtomicLong();
            Thread publisher = new Thread(() -> {
                long start = System.nanoTime();
                for (int i = 0; i < texts.size(); i++) {
                    long due = start + (long) (i * 1e9 / rate);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    worstLag.accumulateAndGet(System.nanoTime() - due, Math::max);
                    String id = Integer.toString(i);
                    long now = System.currentTimeMillis();
                    sent[i] = now;
                    int index = i;
                    producer.send(new ProducerRecord<>("questions-" + run, i % parallelism,
                            id.getBytes(StandardCharsets.UTF_8), json(id, texts.get(index), now)),
                            (metadata, error) -> acked.set(index, System.currentTimeMillis()));
                }
                producer.flush();
            }, "bench-paced-producer");
            long start = System.nanoTime();
            Map<String, Long> gc0 = gcCounts();
            snapshots.add(Snapshot.take(kafka.pid()));
            publisher.start();
            long nextSample = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120) + (long) (texts.size() / rate * 1e9);
            while (seen < texts.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (r.topic().startsWith("dlq-")) {
                        throw new IllegalStateException("dead letter in the benchmark: " + new String(r.value(),
                                StandardCharsets.UTF_8));
                    }
                    String id = new String(r.key(), StandardCharsets.UTF_8);
                    if (id.startsWith("warm-")) {
                        continue;
                    }
                    int i = Integer.parseInt(id);
                    if (arrived[i] == 0) { // at-least-once: a redelivery does not count again
                        seen++;
                        arrived[i] = now;
                        sunk[i] = r.timestamp(); // the sink's send time
                    }
                }
                if (System.nanoTime() >= nextSample) {
                    snapshots.add(Snapshot.take(kafka.pid()));
                    nextSample += TimeUnit.SECONDS.toNanos(2);
                }
            }
            snapshots.add(Snapshot.take(kafka.pid()));
            publisher.join();
            Bench.log("GC during the latency run: %s -> %s (collections, total ms)", gc0, gcCounts());
            publisherLagMs = worstLag.get() / 1e6;
            achieved = texts.size() / ((System.nanoTime() - start) / 1e9);
            if (seen < texts.size()) {
                throw new IllegalStateException("only " + seen + " of " + texts.size() + " match events came back in time");
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        long origin = sent[0];
        List<Window> windows = windows(sent, acked, sunk, arrived, origin);
        List<CpuWindow> cpu = new ArrayList<>();
        for (int i = 1; i < snapshots.size(); i++) {
            cpu.add(snapshots.get(i - 1).until(snapshots.get(i), origin));
        }
        double measuredFrom = (sent[warm] - origin) / 1000.0;
        Bench.log("latency by 2-s window of publish time (s: median/max ms; measured from %.0f s): %s", measuredFrom,
                join(windows, w -> Math.round(w.medianMs()) + "/" + Math.round(w.maxMs())));
        Bench.log("of which publish -> the job's sink sends the event (median ms): %s",
                join(windows, w -> Long.toString(Math.round(w.medianToSinkMs()))));
        Bench.log("of which publish -> the broker acknowledges the question (median ms): %s",
                join(windows, w -> Long.toString(Math.round(w.medianToAckMs()))));
        Bench.log("cores busy by 2-s window (s: this JVM/broker/rest of the machine/steal, JIT ms): %s",
                cpu.stream().map(c -> Math.round(c.atSeconds()) + "s:" + c.jobCores() + "/" + c.brokerCores() + "/"
                        + c.restCores() + "/" + c.stealCores() + "," + c.jitMillis()).collect(Collectors.joining(" ")));

        double[] latencies = new double[texts.size() - warm];
        for (int i = warm; i < texts.size(); i++) {
            latencies[i - warm] = arrived[i] - sent[i];
        }
        Arrays.sort(latencies);
        // CPU while the measured questions flow: snapshots from the first measured publish on
        Snapshot a = snapshots.stream().filter(sn -> sn.wallMillis() >= sent[warm]).findFirst()
                .orElse(snapshots.get(snapshots.size() - 1));
        Snapshot b = snapshots.get(snapshots.size() - 1);
        int counted = (int) Math.max(1, Arrays.stream(arrived).filter(t -> t >= a.wallMillis() && t < b.wallMillis())
                .count());
        return new Latency(model, "at-least-once", rate, achieved, latencies.length, percentile(latencies, 0.50),
                percentile(latencies, 0.95), percentile(latencies, 0.99), latencies[latencies.length - 1],
                Rss.peakMiB(), measuredFrom, round2((b.jobNanos() - a.jobNanos()) / 1e6 / counted),
                round2((b.brokerNanos() - a.brokerNanos()) / 1e6 / counted),
                Cpu.perQuestion(a.threads(), b.threads(), counted), a.until(b, origin).restCores(),
                Math.round(publisherLagMs * 10) / 10.0, windows, cpu);
    }

    private Map<String, String> settings(String run, String modelDir, Map<String, String> settings) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        config.put("kafka.questions-topic", "questions-" + run);
        config.put("kafka.matches-topic", "matches-" + run);
        config.put("kafka.dead-letter-topic", "dlq-" + run);
        config.put("kafka.group-id", "faq-matcher-" + run);
        config.put("kafka.transactional-id-prefix", "faq-matcher-" + run);
        config.put("kafka.starting-offsets", "earliest");
        config.put("job.parallelism", Integer.toString(parallelism));
        config.put("delivery.guarantee", "exactly-once");
        if (modelDir != null) {
            config.put("model.dir", modelDir);
        }
        config.putAll(settings);
        return config;
    }

    private JobClient start(Map<String, String> settings, String run) throws Exception {
        MatcherConfig config = MatcherConfig.fromMap(settings);
        StreamExecutionEnvironment env = environment();
        FaqMatcherJob.configure(env, config);
        FaqMatcherJob.builder(config).build(env);
        return env.executeAsync("faq-matcher-bench-" + run);
    }

    /** An environment on this benchmark's cluster. */
    private StreamExecutionEnvironment environment() {
        // The previous phase's job (its cluster, buffers, sessions) is garbage now: collect it
        // here rather than in the middle of this job's measurement.
        System.gc();
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(
                new MiniClusterPipelineExecutorServiceLoader(flink),
                MiniClusterPipelineExecutorServiceLoader.updateConfigurationForMiniCluster(
                        new Configuration(), List.of(), List.of()),
                EndToEndBench.class.getClassLoader());
        env.setParallelism(parallelism);
        return env;
    }

    /**
     * The same questions through Flink SQL: the statements of flink-conf/sql/faq-matcher.sql on
     * this run's topics, the model with the run's model settings, exactly-once into Kafka with the
     * job's checkpoint interval, as many rows in flight per slot as the job's async capacity.
     */
    private JobClient startSql(Map<String, String> settings, String run) throws Exception {
        MatcherConfig config = MatcherConfig.fromMap(settings);
        StreamExecutionEnvironment env = environment();
        env.enableCheckpointing(config.get(MatcherConfig.CHECKPOINT_INTERVAL).toMillis());
        StreamTableEnvironment sql = StreamTableEnvironment.create(env);
        String kafka = "'connector' = 'kafka', 'properties.bootstrap.servers' = '" + this.kafka.bootstrapServers()
                + "', 'format' = 'json'";
        sql.executeSql("CREATE TABLE questions (id STRING, text STRING) WITH (" + kafka + ", 'topic' = 'questions-"
                + run + "', 'properties.group.id' = 'sql-" + run + "', 'scan.startup.mode' = 'earliest-offset')");
        sql.executeSql("CREATE TABLE faq_matches (id STRING, text STRING, faq_id STRING, answer STRING, score DOUBLE,"
                + " route STRING, `matches` ARRAY<ROW<faq_id STRING, question STRING, answer STRING, score DOUBLE>>)"
                + " WITH (" + kafka + ", 'topic' = 'matches-" + run + "', 'sink.delivery-guarantee' = 'exactly-once',"
                + " 'sink.transactional-id-prefix' = 'sql-" + run + "', 'properties.transaction.timeout.ms' = '900000')");
        StringBuilder model = new StringBuilder("'provider' = 'faq-matcher', 'task' = 'match'");
        for (String key : List.of(MatcherConfig.MODEL_DIR.key(), MatcherConfig.MODEL_NAME.key(), MatcherConfig.BATCH_MAX_SIZE.key(),
                MatcherConfig.BATCH_MAX_DELAY.key(), MatcherConfig.CACHE_MAX_ENTRIES.key(), MatcherConfig.FAQ_BANK.key())) {
            if (settings.containsKey(key)) {
                model.append(", '").append(key).append("' = '").append(settings.get(key)).append("'");
            }
        }
        sql.executeSql("CREATE MODEL faq INPUT (text STRING) OUTPUT (faq_id STRING, answer STRING, score DOUBLE,"
                + " route STRING, `matches` ARRAY<ROW<faq_id STRING, question STRING, answer STRING, score DOUBLE>>)"
                + " WITH (" + model + ")");
        TableResult insert = sql.executeSql("INSERT INTO faq_matches SELECT id, text, faq_id, answer, score, route,"
                + " `matches` FROM ML_PREDICT(TABLE questions, MODEL faq, DESCRIPTOR(text), MAP['async', 'true',"
                + " 'max-concurrent-operations', '" + config.asyncCapacity() + "'])");
        return insert.getJobClient().orElseThrow();
    }

    private KafkaProducer<byte[], byte[]> pacedProducer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0); // each question leaves when it is asked
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    private static byte[] json(String id, String text, Long ts) {
        QuestionRecord question = QuestionRecord.of(id, text);
        return (ts == null ? question : question.ts(ts)).value();
    }

    private static Map<String, Long> gcCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            out.put(gc.getName(), gc.getCollectionCount());
            out.put(gc.getName() + " ms", gc.getCollectionTime());
        }
        return out;
    }

    private static List<Window> windows(long[] sent, AtomicLongArray acked, long[] sunk, long[] arrived, long origin) {
        Map<Long, List<Integer>> byWindow = new java.util.TreeMap<>();
        for (int i = 0; i < sent.length; i++) {
            byWindow.computeIfAbsent((sent[i] - origin) / 2000 * 2, w -> new ArrayList<>()).add(i);
        }
        List<Window> out = new ArrayList<>();
        byWindow.forEach((w, questions) -> {
            double[] total = questions.stream().mapToDouble(i -> arrived[i] - sent[i]).sorted().toArray();
            double[] toSink = questions.stream().mapToDouble(i -> sunk[i] - sent[i]).sorted().toArray();
            double[] toAck = questions.stream().mapToDouble(i -> acked.get(i) - sent[i]).sorted().toArray();
            out.add(new Window(w, questions.size(), percentile(total, 0.5), total[total.length - 1],
                    percentile(toSink, 0.5), percentile(toAck, 0.5)));
        });
        return out;
    }

    private static String join(List<Window> windows, java.util.function.Function<Window, String> value) {
        return windows.stream().map(w -> Math.round(w.fromSeconds()) + "s:" + value.apply(w))
                .collect(Collectors.joining(" "));
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p * sorted.length) - 1))];
    }

    @Override
    public void close() throws Exception {
        try {
            flink.close();
        } finally {
            kafka.close();
        }
    }
}
