package dev.faqmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.testkit.RunningJob;
import dev.faqmatch.testkit.KafkaBrokerExtension;
import dev.faqmatch.testkit.KafkaClients;
import dev.faqmatch.testkit.MiniClusters;
import dev.faqmatch.testkit.QuestionFile;
import dev.faqmatch.testkit.QuestionRecord;
import dev.faqmatch.testkit.Topics;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Overload: questions published at about three times the job's measured throughput for several
 * minutes. Backpressure must keep the backlog in Kafka, not in the TaskManager's memory; nothing
 * may be lost, and the backlog must drain afterwards. Minutes long, so it runs only when asked:
 * {@code deploy/overload.sh} (or {@code -Doverload.minutes=N}).
 */
@EnabledIfSystemProperty(named = "overload.minutes", matches = ".+",
        disabledReason = "minutes long: run deploy/overload.sh, or pass -Doverload.minutes=N")
class OverloadIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension("kafka-overload");

    @Test
    void backpressureKeepsMemoryBoundedAndNothingIsLost() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("overload.minutes"));
        List<QuestionFile.Entry> samples = QuestionFile.read(QuestionFile.SAMPLE);
        MatcherConfig config = MatcherConfig.fromMap(Map.of(
                "kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "checkpoint.interval", "5s",
                "job.parallelism", "2",
                "async.timeout", "2min",
                // the sample questions repeat: without this, cached embeddings would make the
                // job far faster than its capacity measured on a cold cache
                "cache.max-entries", "0"));
        AtomicLong published = new AtomicLong();
        int warmUp = 3_000;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            for (int i = 0; i < warmUp; i++) {
                send(producer, samples, published);
            }
        }
        RunningJob job = TestJobs.start("overload", config);

        Map<String, Integer> seen = new HashMap<>();
        Sampler sampler = new Sampler();
        sampler.start();
        double capacity;
        long overloadEnd;
        long drainedAt = 0;
        long maxBacklog = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.readCommittedConsumer(KAFKA.bootstrapServers(), "ol")) {
            consumer.subscribe(List.of("faq-matches"));
            // 1. capacity: how fast the job drains the pre-loaded questions, after its first answer
            long first = 0;
            while (seen.size() < warmUp) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    count(seen, r);
                    if (first == 0) {
                        first = System.nanoTime();
                    }
                }
            }
            int afterFirst = Math.max(1, seen.size() - 1);
            capacity = afterFirst / ((System.nanoTime() - first) / 1e9);
            double rate = 3 * capacity;
            System.out.printf("overload: capacity %.1f questions/s; publishing at %.1f/s for %.1f min%n", capacity, rate,
                    minutes);
            // 2. overload: a paced producer at three times that, for the given minutes
            long start = System.nanoTime();
            overloadEnd = start + (long) (minutes * 60e9);
            Thread producerThread = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
                    long sent = 0;
                    while (System.nanoTime() < overloadEnd) {
                        long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                        while (sent < due) {
                            send(producer, samples, published);
                            sent++;
                        }
                        Thread.sleep(5);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "overload-producer");
            producerThread.start();
            // 3. drain: keep reading until every question came back
            long deadline = overloadEnd + Duration.ofMinutes((long) Math.ceil(minutes * 3) + 5).toNanos();
            while (System.nanoTime() < deadline && (producerThread.isAlive() || seen.size() < published.get())) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    count(seen, r);
                }
                maxBacklog = Math.max(maxBacklog, published.get() - seen.size());
            }
            producerThread.join();
            drainedAt = System.nanoTime();
        } finally {
            job.close();
            sampler.interrupt();
            sampler.join();
        }
        double drainSeconds = (drainedAt - overloadEnd) / 1e9;
        String report = String.format(java.util.Locale.ROOT,
                "{\"capacity_qps\": %.1f, \"published\": %d, \"matched\": %d, \"duplicates\": %d, \"max_backlog\": %d,"
                        + " \"drain_s\": %.1f, \"peak_heap_mb\": %d, \"max_heap_mb\": %d, \"peak_rss_mb\": %d,"
                        + " \"rss_first_half_mb\": %d, \"rss_second_half_mb\": %d}",
                capacity, published.get(), seen.size(), seen.values().stream().filter(n -> n > 1).count(), maxBacklog,
                drainSeconds, sampler.peakHeap.get() >> 20, Runtime.getRuntime().maxMemory() >> 20,
                sampler.peakRss.get() >> 20, sampler.firstHalfPeak() >> 20, sampler.secondHalfPeak() >> 20);
        System.out.println("overload: " + report);
        Files.writeString(Path.of("target", "overload.json"), report + "\n");

        assertThat(seen).as("distinct questions answered").hasSize((int) published.get());
        assertThat(seen.values()).as("each exactly once").allMatch(n -> n == 1);
        assertThat(maxBacklog).as("backlog built up in Kafka: the job was overloaded").isGreaterThan((long) capacity);
        assertThat(sampler.peakHeap.get()).as("heap").isLessThan((long) (0.9 * Runtime.getRuntime().maxMemory()));
        // the second half of the overload must not need much more memory than the first half
        assertThat(sampler.secondHalfPeak()).as("RSS, second half vs first half")
                .isLessThan((long) (sampler.firstHalfPeak() * 1.25) + (256L << 20));
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, List<QuestionFile.Entry> samples, AtomicLong published) {
        long n = published.getAndIncrement();
        String id = "ol-" + n;
        producer.send(QuestionRecord.of(id, samples.get((int) (n % samples.size())).text()).toRecord(Topics.QUESTIONS));
    }

    private static void count(Map<String, Integer> seen, ConsumerRecord<byte[], byte[]> record) {
        try {
            JsonNode event = MAPPER.readTree(record.value());
            seen.merge(event.get("id").asText(), 1, Integer::sum);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Samples heap in use and resident memory of this JVM (the TaskManager) every second. */
    private static final class Sampler extends Thread {
        final AtomicLong peakHeap = new AtomicLong();
        final AtomicLong peakRss = new AtomicLong();
        private final java.util.List<Long> rss = new java.util.concurrent.CopyOnWriteArrayList<>();

        Sampler() {
            super("memory-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                peakHeap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                long r = residentBytes();
                rss.add(r);
                peakRss.accumulateAndGet(r, Math::max);
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long firstHalfPeak() {
            return rss.subList(0, rss.size() / 2).stream().mapToLong(Long::longValue).max().orElse(0);
        }

        long secondHalfPeak() {
            return rss.subList(rss.size() / 2, rss.size()).stream().mapToLong(Long::longValue).max().orElse(0);
        }

        private static long residentBytes() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (java.io.IOException e) {
                // not Linux: report nothing
            }
            return 0;
        }
    }
}
