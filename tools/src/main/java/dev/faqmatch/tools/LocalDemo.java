package dev.faqmatch.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.cli.Cli;
import dev.faqmatch.cli.UserPaths;
import dev.faqmatch.config.ConfigException;
import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.faq.FaqBankReader;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqRecords;
import dev.faqmatch.faq.LiveBanks;
import dev.faqmatch.job.FaqMatcherJob;
import dev.faqmatch.match.TenantRouting;
import dev.faqmatch.testkit.KafkaClients;
import dev.faqmatch.testkit.LocalKafka;
import dev.faqmatch.testkit.QuestionFile;
import dev.faqmatch.testkit.QuestionRecord;
import dev.faqmatch.testkit.Topics;
import dev.faqmatch.testkit.WarmUp;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * The one-command demo ({@code deploy/local.sh}): starts a Kafka broker, runs the job on a local
 * Flink cluster, publishes questions and prints each match as it arrives, then a summary.
 *
 * <p>{@code --help} lists the options.
 */
public final class LocalDemo {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String WARM_UP_PREFIX = "demo-warm-up-";
    private static final String EDIT_PREFIX = "demo-edit-";

    @Command(name = "deploy/local.sh", sortOptions = false,
            description = {"Runs the FAQ matcher on this machine, end to end: a Kafka broker, the job on a local Flink"
                    + " cluster with the bundled model and the sample FAQ bank, the questions published, and each"
                    + " match printed as it arrives.", ""},
            footer = {"", "Any other --KEY VALUE is a job setting, e.g. --batch.max-size 64 (see README)."})
    static final class Options implements Cli.Checked {
        @Option(names = "--questions", paramLabel = "FILE", converter = UserPaths.LocationConverter.class,
                description = "Questions to publish: JSON lines {\"id\",\"text\"} or plain text, one a line"
                        + " (default: the sample questions shipped with the project; none with --stay).")
        String questions;

        @Option(names = "--stay", description = "Keep running for questions published by others (deploy/kafka-console.sh).")
        boolean stay;

        @Option(names = "--port", paramLabel = "N", description = "The broker's port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int port = Topics.LOCAL_BROKER_PORT;

        @Option(names = "--work-dir", paramLabel = "DIR",
                description = "The broker's data and Flink's temporary files (default: ${DEFAULT-VALUE}).")
        Path work = Path.of(".local");

        @Unmatched
        List<String> jobArgs = new ArrayList<>();

        @Override
        public void check() {
            try {
                MatcherConfig.fromMap(settings());
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        /** The job settings: the --KEY VALUE pairs that are not the demo's own options. */
        Map<String, String> settings() {
            Map<String, String> settings = new LinkedHashMap<>();
            for (int i = 0; i < jobArgs.size(); i += 2) {
                String key = jobArgs.get(i);
                if (!key.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + key + "': settings are --key value");
                }
                if (i + 1 >= jobArgs.size()) {
                    throw new IllegalArgumentException(key + " needs a value");
                }
                settings.put(key.substring(2), jobArgs.get(i + 1));
            }
            return settings;
        }

        /** The questions to publish: those of --questions, else the samples, or none for --stay alone. */
        List<QuestionFile.Entry> questions() throws IOException {
            return questions != null ? QuestionFile.read(questions) : stay ? List.of() : QuestionFile.read(QuestionFile.SAMPLE);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Cli.parseOrExit(new Options(), args);
        Map<String, String> settings = options.settings();
        List<QuestionFile.Entry> questions = options.questions();

        settings.putIfAbsent(MatcherConfig.CHECKPOINT_INTERVAL.key(), "1s");
        Path kafkaDir = options.work.resolve("kafka");
        System.out.printf("Starting Kafka %s (KRaft) on 127.0.0.1:%d, data in %s ...%n",
                org.apache.kafka.common.utils.AppInfoParser.getVersion(), options.port, kafkaDir);
        try (LocalKafka kafka = LocalKafka.start(kafkaDir, options.port)) {
            // Ctrl-C ends the JVM without leaving the try block: stop the broker from a hook too.
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "stop-kafka"));
            Files.writeString(options.work.resolve("kafka.pid"), Long.toString(kafka.pid()));
            settings.put(MatcherConfig.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
            MatcherConfig config = MatcherConfig.fromMap(settings);
            kafka.createTopics(2, config.get(MatcherConfig.QUESTIONS_TOPIC), config.get(MatcherConfig.MATCHES_TOPIC), config.get(MatcherConfig.DEAD_LETTER_TOPIC));
            if (!config.get(MatcherConfig.FAQS_TOPIC).isEmpty()) {
                kafka.createCompactedTopic(config.get(MatcherConfig.FAQS_TOPIC), 1);
            }

            Configuration flinkConf = new Configuration();
            flinkConf.set(CoreOptions.TMP_DIRS, options.work.resolve("flink-tmp").toAbsolutePath().toString());
            flinkConf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            int parallelism = config.get(MatcherConfig.PARALLELISM) > 0 ? config.get(MatcherConfig.PARALLELISM) : Runtime.getRuntime().availableProcessors();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flinkConf);
            FaqMatcherJob.configure(env, config);
            FaqMatcherJob.builder(config).build(env);
            JobClient job = env.executeAsync(config.get(MatcherConfig.JOB_NAME));
            System.out.printf("Job %s running on a local Flink cluster (parallelism %d); %s -> %s%n",
                    job.getJobID(), parallelism, config.get(MatcherConfig.QUESTIONS_TOPIC), config.get(MatcherConfig.MATCHES_TOPIC));
            try {
                new Session(kafka.bootstrapServers(), config, questions).run(options.stay);
            } finally {
                job.cancel().get();
            }
        }
        System.out.println("Stopped the job and the broker.");
    }

    /** Publishes the questions and prints the events that come back. */
    private static final class Session {
        private final String bootstrap;
        private final MatcherConfig config;
        private final List<QuestionFile.Entry> questions;
        private final Map<String, QuestionFile.Entry> byId = new HashMap<>();
        private final List<Double> latencies = new ArrayList<>();
        private final Map<String, Integer> routes = new java.util.TreeMap<>();
        private int matched;
        private int unmatched;
        private int deadLetters;
        private int expectedFirst;
        private int expectedKnown;
        /** Labelled questions routed answer, and those answered with the labelled entry. */
        private int answered;
        private int answeredRight;
        private int answerableAnswered;
        /** Where the questions labelled as having no entry went. */
        private final Map<String, Integer> withoutEntryRoutes = new java.util.TreeMap<>();
        private long publishStartNanos;
        private long lastMatchNanos;

        Session(String bootstrap, MatcherConfig config, List<QuestionFile.Entry> questions) {
            this.bootstrap = bootstrap;
            this.config = config;
            this.questions = questions;
            questions.forEach(q -> byId.put(q.id(), q));
        }

        void run(boolean stay) throws Exception {
            try (KafkaConsumer<byte[], byte[]> consumer =
                            KafkaClients.readCommittedConsumer(bootstrap, "faq-matcher-demo-" + System.nanoTime());
                    KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
                consumer.subscribe(List.of(config.get(MatcherConfig.MATCHES_TOPIC), config.get(MatcherConfig.DEAD_LETTER_TOPIC)));
                // Join the group before publishing so that no event is missed.
                while (consumer.assignment().isEmpty()) {
                    consumer.poll(Duration.ofMillis(100));
                }
                warmUp(producer, consumer);
                publishStartNanos = System.nanoTime();
                for (QuestionFile.Entry q : questions) {
                    send(producer, null, q.id(), q.text());
                }
                producer.flush();
                if (!questions.isEmpty()) {
                    System.out.printf("Published %d questions to '%s'.%n%n", questions.size(), config.get(MatcherConfig.QUESTIONS_TOPIC));
                }
                if (stay) {
                    System.out.printf("%nListening. Publish questions from another terminal, e.g.:%n"
                            + "  deploy/kafka-console.sh produce %s%n  {\"id\":\"my-1\",\"text\":\"信用卡怎么提额\"}%n",
                            config.get(MatcherConfig.QUESTIONS_TOPIC));
                    if (!config.get(MatcherConfig.FAQS_TOPIC).isEmpty()) {
                        System.out.printf("and FAQ edits, live (tenant/id as the key; NULL deletes):%n"
                                + "  deploy/faq-publish.sh my-bank.jsonl --tenant cards%n"
                                + "  deploy/kafka-console.sh produce %s --reader-property parse.key=true --reader-property key.separator='|'"
                                + " --reader-property null.marker=NULL%n"
                                + "  cards/c-1|{\"tenant\":\"cards\",\"id\":\"c-1\",\"question\":\"信用卡怎么提额\","
                                + "\"answer\":\"在APP申请\"}%n"
                                + "  then ask with {\"id\":\"my-2\",\"text\":\"信用卡怎么提额\",\"tenant\":\"cards\"}%n",
                                config.get(MatcherConfig.FAQS_TOPIC));
                    }
                    System.out.printf("Press Ctrl-C to stop.%n%n");
                }
                int expected = questions.size();
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (stay || (matched + unmatched + deadLetters < expected && System.nanoTime() < deadline)) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        show(record);
                    }
                }
                if (matched + unmatched + deadLetters < expected) {
                    System.out.printf("Timed out: %d of %d questions came back.%n", matched + unmatched + deadLetters, expected);
                }
                if (!config.get(MatcherConfig.FAQS_TOPIC).isEmpty()) {
                    liveEdit(producer, consumer);
                }
                summary();
            }
        }

        /**
         * One question per partition, answered before the demo's questions are published, so that
         * their latencies do not include the job's start-up (model load, FAQ bank embedding).
         */
        private void warmUp(KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> consumer) {
            boolean ready = WarmUp.answered(producer, consumer, config.get(MatcherConfig.QUESTIONS_TOPIC), WARM_UP_PREFIX,
                    Duration.ofMinutes(3));
            double startup = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
            System.out.printf(Locale.ROOT, "%s after %.1f s (broker, local Flink cluster, model loaded, FAQ bank embedded).%n",
                    ready ? "Job ready" : "Job still not answering", startup);
        }

        /**
         * Edits one FAQ entry of the running job's default bank through the FAQ topic, and asks its
         * question until the answer shows the edit: the time between is the update's delay.
         */
        private void liveEdit(KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> consumer)
                throws Exception {
            FaqEntry entry = FaqBankReader.read(config.get(MatcherConfig.FAQ_BANK)).get(0);
            String answer = "【已更新】" + entry.answer();
            String key = FaqRecords.key(LiveBanks.DEFAULT_TENANT, entry.id());
            long published = System.nanoTime();
            producer.send(new ProducerRecord<>(config.get(MatcherConfig.FAQS_TOPIC), key.getBytes(StandardCharsets.UTF_8),
                    FaqRecords.upsertJson(LiveBanks.DEFAULT_TENANT, new FaqEntry(entry.id(), entry.question(), answer,
                            entry.tags(), entry.similar(), entry.notSimilar(), entry.kind())))).get();
            System.out.printf("%nLive update: published a new answer of %s (%s) to topic '%s' while the job runs.%n",
                    entry.id(), abbreviate(entry.question(), 30), config.get(MatcherConfig.FAQS_TOPIC));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            for (int i = 0; System.nanoTime() < deadline; i++) {
                send(producer, null, EDIT_PREFIX + i, entry.question());
                producer.flush();
                long until = System.nanoTime() + Duration.ofMillis(250).toNanos();
                while (System.nanoTime() < until) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        JsonNode event = MAPPER.readTree(record.value());
                        JsonNode best = event.path("matches").path(0);
                        if (event.path("id").asText().startsWith(EDIT_PREFIX) && best.path("answer").asText().equals(answer)) {
                            System.out.printf(Locale.ROOT, "The next questions got the new answer: %s -> %s \"%s\""
                                            + " (bank %s version %s), %.1f s after the edit was published.%n",
                                    event.path("id").asText(), best.path("faq_id").asText(),
                                    abbreviate(answer, 30), event.path("bank").asText(), event.path("bank_version").asText(),
                                    (System.nanoTime() - published) / 1e9);
                            return;
                        }
                    }
                }
            }
            System.out.println("The edit did not show within a minute.");
        }

        private void send(KafkaProducer<byte[], byte[]> producer, Integer partition, String id, String text) {
            QuestionRecord question = QuestionRecord.of(id, text).ts(System.currentTimeMillis());
            producer.send(new ProducerRecord<>(config.get(MatcherConfig.QUESTIONS_TOPIC), partition, question.key(),
                    question.value()));
        }

        private void show(ConsumerRecord<byte[], byte[]> record) throws java.io.IOException {
            String recordKey = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
            if (recordKey.startsWith(WARM_UP_PREFIX) || recordKey.startsWith(EDIT_PREFIX)) {
                return;
            }
            JsonNode event = MAPPER.readTree(record.value());
            int done = matched + unmatched + deadLetters + 1;
            String progress = questions.isEmpty() ? String.format("[%4d]", done) : String.format("[%4d/%d]", done, questions.size());
            if (record.topic().equals(config.get(MatcherConfig.DEAD_LETTER_TOPIC))) {
                deadLetters++;
                System.out.printf("%s dead letter: %s (%s) payload=%s%n", progress, event.path("reason").asText(),
                        event.path("detail").asText(), abbreviate(event.path("payload").asText(), 60));
                return;
            }
            lastMatchNanos = System.nanoTime();
            double latency = event.hasNonNull("ts") ? System.currentTimeMillis() - event.get("ts").asLong() : Double.NaN;
            if (!Double.isNaN(latency)) {
                latencies.add(latency);
            }
            JsonNode best = event.path("matches").path(0);
            String id = event.path("id").asText();
            routes.merge(event.path("route").asText("-"), 1, Integer::sum);
            String line;
            if (event.path("matched").asBoolean()) {
                matched++;
                line = String.format("%s -> %s %s (%.2f)", abbreviate(event.path("text").asText(), 28),
                        best.path("faq_id").asText(), abbreviate(best.path("question").asText(), 30),
                        best.path("score").asDouble());
            } else {
                unmatched++;
                line = String.format("%s -> no FAQ above %.2f (best %s, %.2f)", abbreviate(event.path("text").asText(), 28),
                        config.get(MatcherConfig.MIN_SCORE), best.path("faq_id").asText("-"), best.path("score").asDouble());
            }
            QuestionFile.Entry asked = byId.get(id);
            String check = "";
            String route = event.path("route").asText("-");
            if (asked != null && asked.labelled()) {
                boolean routedAnswer = route.equals("answer");
                answered += routedAnswer ? 1 : 0;
                if (asked.expectedFaqId() == null) {
                    withoutEntryRoutes.merge(route, 1, Integer::sum);
                    check = routedAnswer ? "  (WRONG: no entry answers it)" : "";
                } else {
                    expectedKnown++;
                    boolean first = asked.expectedFaqId().equals(best.path("faq_id").asText());
                    expectedFirst += first ? 1 : 0;
                    answerableAnswered += routedAnswer ? 1 : 0;
                    answeredRight += routedAnswer && first ? 1 : 0;
                    check = first ? "" : (routedAnswer ? "  (WRONG: expected " : "  (expected ") + asked.expectedFaqId() + ")";
                }
            }
            String took = (Double.isNaN(latency) ? "" : String.format(Locale.ROOT, ", %.0f ms", latency))
                    + (event.has("route") ? ", " + event.get("route").asText() + " [" + event.path("bank").asText() + " "
                            + event.path("bank_version").asText() + "]" : "");
            System.out.printf("%s %s %s%s%s%n", progress, id, line, took, check);
        }

        private void summary() {
            int total = matched + unmatched + deadLetters;
            double seconds = (lastMatchNanos - publishStartNanos) / 1e9;
            System.out.printf("%nSummary: %d events: %d matched, %d below match.min-score %.2f, %d dead letters.%n",
                    total, matched, unmatched, config.get(MatcherConfig.MIN_SCORE), deadLetters);
            if (!routes.isEmpty()) {
                System.out.printf("Routes: %s (answer: the bot answers alone; clarify: close matches, ask the customer;"
                        + " human: below match.clarify-score, or an out-of-scope entry scored highest).%n", routes);
            }
            if (matched + unmatched > 0 && seconds > 0 && !questions.isEmpty()) {
                System.out.printf(Locale.ROOT, "Throughput: %.1f questions/s (publish of the first question to the last"
                        + " match event, %.2f s).%n", (matched + unmatched) / seconds, seconds);
            }
            if (!latencies.isEmpty()) {
                List<Double> sorted = new ArrayList<>(latencies);
                sorted.sort(null);
                System.out.printf(Locale.ROOT, "Latency publish -> match event: p50 %.0f ms, p95 %.0f ms, max %.0f ms"
                                + " (exactly-once output is visible at checkpoints, every %s).%n",
                        pct(sorted, 0.50), pct(sorted, 0.95), sorted.get(sorted.size() - 1),
                        config.get(MatcherConfig.CHECKPOINT_INTERVAL).toMillis() + " ms");
            }
            if (expectedKnown > 0) {
                System.out.printf(Locale.ROOT, "Expected FAQ ranked first for %d of %d questions with an entry (%.0f%%).%n",
                        expectedFirst, expectedKnown, 100.0 * expectedFirst / expectedKnown);
                System.out.printf(Locale.ROOT, "Answer route: precision %s (%d right of %d answered), coverage %.0f%%"
                                + " (%d of %d questions with an entry answered alone).%n",
                        answered == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * answeredRight / answered),
                        answeredRight, answered, 100.0 * answerableAnswered / expectedKnown, answerableAnswered,
                        expectedKnown);
                if (onDefaultThresholds(config)) {
                    System.out.println("These are the job-wide default thresholds, strict so as to hold precision on"
                            + " banks whose entries the model confuses; thresholds calibrated on a bank's own labelled"
                            + " questions answer more (deploy/calibrate.sh; README, \"Calibrating the routing\").");
                }
            }
            if (!withoutEntryRoutes.isEmpty()) {
                int n = withoutEntryRoutes.values().stream().mapToInt(Integer::intValue).sum();
                System.out.printf(Locale.ROOT, "The %d questions without an entry went: %s.%n", n, withoutEntryRoutes);
            }
        }
    }

    /** Whether every question is routed with the job's default thresholds: none set, job-wide or per tenant. */
    private static boolean onDefaultThresholds(MatcherConfig config) {
        TenantRouting routing = config.routing();
        return routing.perTenant().isEmpty() && routing.defaults().equals(MatcherConfig.defaults().routing().defaults());
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
