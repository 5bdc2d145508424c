package dev.faqmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.event.MatchEvent;
import dev.faqmatch.event.Question;
import dev.faqmatch.flink.EmbedAndMatchFunction;
import dev.faqmatch.flink.MatcherOptions;
import dev.faqmatch.inference.InferenceException;
import dev.faqmatch.testkit.RunningJob;
import org.apache.flink.configuration.Configuration;
import dev.faqmatch.testkit.CommittedOutput;
import dev.faqmatch.testkit.JobHistory;
import dev.faqmatch.testkit.KafkaBrokerExtension;
import dev.faqmatch.testkit.KafkaClients;
import dev.faqmatch.testkit.MiniClusters;
import dev.faqmatch.testkit.QuestionFile;
import dev.faqmatch.testkit.QuestionRecord;
import dev.faqmatch.testkit.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once output under failures, against a real broker: model failures that retries cure
 * cost nothing; one that outlasts the retries, and a lost TaskManager, restart the job from its
 * checkpoint, and a read_committed consumer still sees every question exactly once.
 */
class ExactlyOnceUnderFailuresIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension("kafka-eo-it");

    /** Fails every question for a few seconds once the given number of questions was seen. */
    static final class OutageAfter extends EmbedAndMatchFunction {
        static final AtomicLong INVOCATIONS = new AtomicLong();
        static final AtomicLong OUTAGE_UNTIL = new AtomicLong();
        static final AtomicInteger OUTAGES = new AtomicInteger();
        private final long at;

        OutageAfter(MatcherConfig config, long at) {
            super(MatcherOptions.from(config));
            this.at = at;
        }

        @Override
        public void asyncInvoke(Question question, ResultFuture<MatchEvent> result) {
            if (INVOCATIONS.incrementAndGet() == at) {
                OUTAGE_UNTIL.set(System.nanoTime() + Duration.ofSeconds(3).toNanos());
                OUTAGES.incrementAndGet();
            }
            if (System.nanoTime() < OUTAGE_UNTIL.get()) {
                result.completeExceptionally(new InferenceException("injected model outage", null));
                return;
            }
            super.asyncInvoke(question, result);
        }
    }

    /** Fails the first attempt of some questions; the retry succeeds. */
    static final class FlakyFirstAttempt extends EmbedAndMatchFunction {
        static final Set<String> FAILED_ONCE = ConcurrentHashMap.newKeySet();

        FlakyFirstAttempt(MatcherConfig config) {
            super(MatcherOptions.from(config));
        }

        @Override
        public void asyncInvoke(Question question, ResultFuture<MatchEvent> result) {
            if (question.id().endsWith("3") && FAILED_ONCE.add(question.id())) {
                result.completeExceptionally(new InferenceException("injected transient failure", null));
                return;
            }
            super.asyncInvoke(question, result);
        }
    }

    @Test
    void everyQuestionExactlyOnceThroughAModelOutageAndALostTaskManager(@InjectMiniCluster MiniCluster flink)
            throws Exception {
        int questions = 20_000;
        Topics topics = Topics.create("eo");
        publish(topics.questions, "eo-", questions);
        MatcherConfig config = config(topics, "2s");
        RunningJob job = TestJobs.start("exactly-once-under-failures", config, b -> b.embedAndMatch(new OutageAfter(config, 4_000)), new Configuration());

        AtomicBoolean taskManagerKilled = new AtomicBoolean();
        CommittedOutput events;
        try {
            events = CommittedOutput.read(KAFKA.bootstrapServers(), topics.matches, topics.deadLetters, questions,
                    Duration.ofMinutes(12), seen -> {
                        if (seen >= 10_000 && taskManagerKilled.compareAndSet(false, true)) {
                            try {
                                flink.terminateTaskManager(0).get();
                                flink.startTaskManager();
                            } catch (Exception e) {
                                throw new IllegalStateException("could not replace the TaskManager", e);
                            }
                        }
                    });
        } finally {
            job.close();
        }
        List<String> failures = JobHistory.failures(flink, job.id());
        System.out.printf("exactly-once: %d match events, %d distinct ids, %d dead letters, %d job failures: %s%n",
                events.matches.size(), events.matchesPerId.size(), events.deadLetters.size(), failures.size(),
                failures.stream().map(f -> f.substring(0, Math.min(120, f.length()))).toList());

        assertThat(OutageAfter.OUTAGES.get()).as("model outages injected").isGreaterThanOrEqualTo(1);
        assertThat(taskManagerKilled).as("TaskManager killed").isTrue();
        assertThat(failures).as("job failures (each one a restart from the checkpoint)").hasSizeGreaterThanOrEqualTo(2);
        assertThat(events.deadLetters).isEmpty();
        assertThat(events.matchesPerId).as("distinct ids").hasSize(questions);
        assertThat(events.matches).as("match events: lost or duplicated ones change this").hasSize(questions);
        assertThat(events.matchesPerId.values()).allMatch(n -> n == 1);
    }

    @Test
    void aModelFailureThatARetryCuresCostsNothing(@InjectMiniCluster MiniCluster flink) throws Exception {
        int questions = 1_000;
        Topics topics = Topics.create("retry");
        publish(topics.questions, "rt-", questions);
        MatcherConfig config = config(topics, "1s");
        RunningJob job = TestJobs.start("retry", config, b -> b.embedAndMatch(new FlakyFirstAttempt(config)), new Configuration());
        CommittedOutput events;
        try {
            events = CommittedOutput.read(KAFKA.bootstrapServers(), topics.matches, topics.deadLetters, questions,
                    Duration.ofMinutes(5), seen -> {});
        } finally {
            job.close();
        }
        assertThat(FlakyFirstAttempt.FAILED_ONCE).hasSize(questions / 10);
        assertThat(JobHistory.failures(flink, job.id())).as("job failures").isEmpty();
        assertThat(events.matches).hasSize(questions);
        assertThat(events.matchesPerId).hasSize(questions);
    }

    private record Topics(String questions, String matches, String deadLetters) {
        static Topics create(String prefix) throws Exception {
            Topics t = new Topics(prefix + "-questions", prefix + "-matches", prefix + "-dlq");
            KAFKA.get().createTopics(2, t.questions, t.matches, t.deadLetters);
            return t;
        }
    }

    private static MatcherConfig config(Topics topics, String checkpointInterval) {
        return MatcherConfig.fromMap(Map.of(
                "kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "kafka.questions-topic", topics.questions,
                "kafka.matches-topic", topics.matches,
                "kafka.dead-letter-topic", topics.deadLetters,
                "kafka.group-id", topics.questions + "-group",
                "kafka.transactional-id-prefix", topics.questions,
                "checkpoint.interval", checkpointInterval,
                "job.parallelism", "2",
                "output.embedding", "none",
                "retry.initial-backoff", "50ms"));
    }

    private static void publish(String topic, String idPrefix, int count) throws Exception {
        List<QuestionFile.Entry> samples = QuestionFile.read(QuestionFile.SAMPLE);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            for (int i = 0; i < count; i++) {
                String id = idPrefix + i;
                producer.send(QuestionRecord.of(id, samples.get(i % samples.size()).text()).toRecord(topic));
            }
        }
    }
}
