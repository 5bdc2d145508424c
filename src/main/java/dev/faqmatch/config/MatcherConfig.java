package dev.faqmatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.faqmatch.event.EmbeddingFormat;
import dev.faqmatch.faq.FaqRecords;
import dev.faqmatch.inference.Device;
import dev.faqmatch.match.Thresholds;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.util.ParameterTool;

/**
 * The job's whole configuration, typed and validated. It comes from job arguments
 * ({@code --batch.max-size 64}) and, optionally, a YAML file named by {@code --config} whose
 * nested keys flatten to the same names; arguments win over the file.
 */
public final class MatcherConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The argument that names a YAML file of settings. */
    public static final String CONFIG_FILE_ARG = "config";
    /** Any Kafka client property under this prefix goes to the source and both sinks as it is. */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

    public enum Delivery { EXACTLY_ONCE, AT_LEAST_ONCE }

    public enum StartingOffsets { COMMITTED, EARLIEST, LATEST }

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.string("kafka.bootstrap-servers", "localhost:9092",
            "Kafka brokers to connect to (host:port, comma-separated).");
    public static final Setting<String> QUESTIONS_TOPIC = Setting.string("kafka.questions-topic", "questions",
            "Topic of question events (JSON, key = question id).");
    public static final Setting<String> MATCHES_TOPIC = Setting.string("kafka.matches-topic", "faq-matches",
            "Topic the match events are written to.");
    public static final Setting<String> DEAD_LETTER_TOPIC = Setting.string("kafka.dead-letter-topic", "questions-dlq",
            "Topic for records that are not valid questions, with the reason.");
    public static final Setting<String> GROUP_ID = Setting.string("kafka.group-id", "faq-matcher",
            "Consumer group of the source (offsets are committed on checkpoints).");
    public static final Setting<StartingOffsets> STARTING_OFFSETS = Setting.choice("kafka.starting-offsets",
            StartingOffsets.COMMITTED, StartingOffsets.class,
            "Where a new job starts reading: the group's committed offsets (earliest if none), earliest or latest.");
    public static final Setting<String> TRANSACTIONAL_ID_PREFIX = Setting.string("kafka.transactional-id-prefix",
            "faq-matcher", "Prefix of the sink's transactional ids (exactly-once); unique per job on a cluster.");
    public static final Setting<Delivery> DELIVERY = Setting.choice("delivery.guarantee", Delivery.EXACTLY_ONCE,
            Delivery.class, "exactly-once: match events become visible (read_committed) at each checkpoint;"
                    + " at-least-once: visible at once, duplicates possible after a failure.");
    public static final Setting<Duration> CHECKPOINT_INTERVAL = Setting.duration("checkpoint.interval", "10s",
            Duration.ofMillis(100), Duration.ofHours(1), "How often the job checkpoints (and commits its output).");
    public static final Setting<String> MODEL_DIR = Setting.optionalString("model.dir",
            "Model directory (model.onnx, tokenizer.json, model.json); empty for the bundled bge-small-zh-v1.5.");
    public static final Setting<String> FAQ_BANK = Setting.string("faq.bank", "classpath:samples/faq-bank.jsonl",
            "FAQ bank, JSON lines of id, question, answer, tags: a file path or classpath:resource.");
    /** Device value meaning: the slot's GPU from Flink's external resources if it has one, else the CPU. */
    public static final String DEVICE_AUTO = "auto";
    /** Device value meaning: the slot's GPU from Flink's external resources, GPU 0 if it has none. */
    public static final String DEVICE_ANY_GPU = "gpu";
    public static final Setting<String> DEVICE = Setting.of("inference.device", DEVICE_AUTO, "auto, cpu, gpu or gpu:N",
            "auto: the slot's GPU from Flink's external resource 'gpu' when it has one, else the CPU;"
                    + " gpu: the slot's GPU (GPU 0 without external resources); gpu:N: CUDA device N."
                    + " A GPU that CUDA cannot load falls back to the CPU with a warning.",
            v -> {
                String s = v.strip().toLowerCase(Locale.ROOT);
                if (!s.equals(DEVICE_AUTO) && !s.equals(DEVICE_ANY_GPU)) {
                    Device.parse(s);
                }
                return s;
            });
    public static final Setting<Integer> INTRA_OP_THREADS = Setting.integer("inference.intra-op-threads", 0, 0, 256,
            "ONNX Runtime threads per session; 0 = cores / parallelism (at least 1).");
    public static final Setting<Integer> BATCH_MAX_SIZE = Setting.integer("batch.max-size", 64, 1, 1024,
            "Most questions embedded in one model run.");
    public static final Setting<Duration> BATCH_MAX_DELAY = Setting.duration("batch.max-delay", "25ms",
            Duration.ZERO, Duration.ofSeconds(10), "Longest a question waits for its batch to fill.");
    public static final Setting<Duration> ASYNC_TIMEOUT = Setting.duration("async.timeout", "30s",
            Duration.ofMillis(100), Duration.ofHours(1),
            "A question not embedded within this time fails the job, which restarts from its checkpoint.");
    public static final Setting<Integer> ASYNC_CAPACITY = Setting.integer("async.capacity", 0, 0, 100_000,
            "Questions in flight per slot; 0 = 4 x batch.max-size. Must be at least batch.max-size.");
    public static final Setting<Integer> RETRY_MAX_ATTEMPTS = Setting.integer("retry.max-attempts", 3, 1, 100,
            "Attempts for a question whose batch failed in the model (not the data's fault), with exponential"
                    + " backoff; when all fail, the job fails and restarts from its checkpoint. 1 = no retry.");
    public static final Setting<Duration> RETRY_INITIAL_BACKOFF = Setting.duration("retry.initial-backoff", "100ms",
            Duration.ofMillis(1), Duration.ofMinutes(1), "Wait before the first retry; doubles per attempt.");
    public static final Setting<Duration> RETRY_MAX_BACKOFF = Setting.duration("retry.max-backoff", "5s",
            Duration.ofMillis(1), Duration.ofMinutes(10), "Longest wait between retries.");
    public static final Setting<Duration> KAFKA_STARTUP_TIMEOUT = Setting.duration("kafka.startup-timeout", "30s",
            Duration.ofSeconds(1), Duration.ofMinutes(10),
            "How long the job's start waits for Kafka to answer before it fails saying the brokers are unreachable.");
    public static final Setting<Integer> CACHE_MAX_ENTRIES = Setting.integer("cache.max-entries", 4096, 0, 10_000_000,
            "Embeddings of recent question texts kept per TaskManager (shared by its slots, per model), so that an"
                    + " exact repeat skips the model; 0 = no cache. Each entry holds one embedding (2 KB at dim 512).");
    public static final Setting<Integer> TOP_K = Setting.integer("match.top-k", 3, 1, 100,
            "Matches per event (a question may ask for fewer or more with top_k, up to 100).");
    public static final Setting<Double> MIN_SCORE = Setting.decimal("match.min-score", 0.5, -1.0, 1.0,
            "Cosine similarity the best match needs for \"matched\": true (and route answer). Per tenant:"
                    + " match.tenant.<name>.min-score.");
    public static final Setting<String> FAQS_TOPIC = Setting.of("kafka.faqs-topic", "faqs", "a topic name, empty for none",
            "Compacted topic of live FAQ upserts and deletes (key = tenant/faq_id), read from the earliest offset by"
                    + " every slot; empty: the faq.bank file is the only bank, for every question.",
            String::strip);
    public static final Setting<Integer> FAQ_MAX_RECORD_BYTES = Setting.integer("faq.max-record-bytes", 65_536, 64,
            16 * 1024 * 1024, "Largest FAQ topic record (value bytes) accepted; larger ones go to the dead-letter topic.");
    public static final Setting<Duration> FAQ_BOOTSTRAP_TIMEOUT = Setting.duration("faq.bootstrap-timeout", "2min",
            Duration.ofSeconds(1), Duration.ofHours(1),
            "At a job's first start, questions wait until the FAQ topic has been read to the end it had at start, and"
                    + " its banks embedded; after this long they go ahead with what is there (logged).");
    /** Prefix of per-tenant thresholds: {@code match.tenant.<name>.min-score}, {@code .clarify-score}, {@code .clarify-margin}. */
    public static final String TENANT_PREFIX = "match.tenant.";
    public static final Setting<String> FALLBACK_TENANT = Setting.of("match.fallback-tenant", "",
            "a tenant name, empty for none",
            "Bank for questions whose tenant has none; empty: such questions go to the dead-letter topic as"
                    + " unknown_tenant. Questions without a tenant use the bank 'default'.",
            v -> {
                String t = v.strip();
                if (!t.isEmpty() && !FaqRecords.TENANT.matcher(t).matches()) {
                    throw new IllegalArgumentException();
                }
                return t;
            });
    public static final Setting<Double> CLARIFY_SCORE = Setting.decimal("match.clarify-score", 0.4, -1.0, 1.0,
            "Best-match cosine below which a question is routed to a person (route human); from it up to an answer,"
                    + " route clarify. At most match.min-score. Per tenant: match.tenant.<name>.clarify-score.");
    public static final Setting<Double> CLARIFY_MARGIN = Setting.decimal("match.clarify-margin", 0.03, 0.0, 2.0,
            "How far the best match must be ahead of the second-best for route answer; closer, route clarify."
                    + " Per tenant: match.tenant.<name>.clarify-margin.");
    public static final Setting<EmbeddingFormat> EMBEDDING_OUTPUT = Setting.choice("output.embedding",
            EmbeddingFormat.JSON, EmbeddingFormat.class,
            "How events carry the question's embedding: none, json (array of numbers) or base64 (little-endian float32).");
    public static final Setting<Integer> MAX_TEXT_BYTES = Setting.integer("input.max-text-bytes", 65_536, 16,
            16 * 1024 * 1024, "Longest question text (UTF-8 bytes) accepted; longer ones go to the dead-letter topic."
                    + " Texts over the model's max_seq_len tokens are truncated and flagged.");
    public static final Setting<Integer> DEAD_LETTER_MAX_PAYLOAD_BYTES = Setting.integer(
            "dead-letter.max-payload-bytes", 262_144, 0, 16 * 1024 * 1024,
            "Most bytes of a bad record's value copied into its dead letter (the rest is marked cut; the record"
                    + " itself stays in the source topic). Keep it under the dead-letter topic's max.message.bytes.");
    public static final Setting<Integer> PARALLELISM = Setting.integer("job.parallelism", 0, 0, 4096,
            "Parallelism of the job; 0 = the cluster's default.");
    public static final Setting<String> JOB_NAME = Setting.string("job.name", "faq-matcher", "Name of the Flink job.");

    /** Every setting, in the order the README lists them. */
    public static final List<Setting<?>> SETTINGS = List.of(BOOTSTRAP_SERVERS, QUESTIONS_TOPIC, MATCHES_TOPIC,
            DEAD_LETTER_TOPIC, GROUP_ID, STARTING_OFFSETS, TRANSACTIONAL_ID_PREFIX, KAFKA_STARTUP_TIMEOUT, DELIVERY,
            CHECKPOINT_INTERVAL, MODEL_DIR, FAQ_BANK, DEVICE, INTRA_OP_THREADS, BATCH_MAX_SIZE, BATCH_MAX_DELAY,
            ASYNC_TIMEOUT, ASYNC_CAPACITY, CACHE_MAX_ENTRIES, RETRY_MAX_ATTEMPTS, RETRY_INITIAL_BACKOFF,
            RETRY_MAX_BACKOFF, FAQS_TOPIC, FAQ_MAX_RECORD_BYTES, FAQ_BOOTSTRAP_TIMEOUT, TOP_K, MIN_SCORE, CLARIFY_SCORE,
            CLARIFY_MARGIN, FALLBACK_TENANT, EMBEDDING_OUTPUT, MAX_TEXT_BYTES, DEAD_LETTER_MAX_PAYLOAD_BYTES,
            PARALLELISM, JOB_NAME);

    public final String bootstrapServers;
    public final String questionsTopic;
    public final String matchesTopic;
    public final String deadLetterTopic;
    public final String groupId;
    public final StartingOffsets startingOffsets;
    public final String transactionalIdPrefix;
    public final Delivery delivery;
    public final Duration checkpointInterval;
    public final String modelDir;
    public final String faqBank;
    public final String device;
    public final int intraOpThreads;
    public final int batchMaxSize;
    public final Duration batchMaxDelay;
    public final Duration asyncTimeout;
    public final int asyncCapacity;
    public final int retryMaxAttempts;
    public final Duration retryInitialBackoff;
    public final Duration retryMaxBackoff;
    public final Duration kafkaStartupTimeout;
    public final int cacheMaxEntries;
    public final int topK;
    public final double minScore;
    public final String faqsTopic;
    public final int faqMaxRecordBytes;
    public final Duration faqBootstrapTimeout;
    public final String fallbackTenant;
    private final Thresholds thresholds;
    private final HashMap<String, Thresholds> tenantThresholds;
    public final EmbeddingFormat embeddingFormat;
    public final int maxTextBytes;
    public final int deadLetterMaxPayloadBytes;
    public final int parallelism;
    public final String jobName;
    private final HashMap<String, String> kafkaClientProperties;

    private MatcherConfig(Map<String, String> values) {
        bootstrapServers = BOOTSTRAP_SERVERS.parse(values.get(BOOTSTRAP_SERVERS.key()));
        questionsTopic = QUESTIONS_TOPIC.parse(values.get(QUESTIONS_TOPIC.key()));
        matchesTopic = MATCHES_TOPIC.parse(values.get(MATCHES_TOPIC.key()));
        deadLetterTopic = DEAD_LETTER_TOPIC.parse(values.get(DEAD_LETTER_TOPIC.key()));
        groupId = GROUP_ID.parse(values.get(GROUP_ID.key()));
        startingOffsets = STARTING_OFFSETS.parse(values.get(STARTING_OFFSETS.key()));
        transactionalIdPrefix = TRANSACTIONAL_ID_PREFIX.parse(values.get(TRANSACTIONAL_ID_PREFIX.key()));
        delivery = DELIVERY.parse(values.get(DELIVERY.key()));
        checkpointInterval = CHECKPOINT_INTERVAL.parse(values.get(CHECKPOINT_INTERVAL.key()));
        modelDir = MODEL_DIR.parse(values.get(MODEL_DIR.key()));
        faqBank = FAQ_BANK.parse(values.get(FAQ_BANK.key()));
        device = DEVICE.parse(values.get(DEVICE.key()));
        intraOpThreads = INTRA_OP_THREADS.parse(values.get(INTRA_OP_THREADS.key()));
        batchMaxSize = BATCH_MAX_SIZE.parse(values.get(BATCH_MAX_SIZE.key()));
        batchMaxDelay = BATCH_MAX_DELAY.parse(values.get(BATCH_MAX_DELAY.key()));
        asyncTimeout = ASYNC_TIMEOUT.parse(values.get(ASYNC_TIMEOUT.key()));
        int capacity = ASYNC_CAPACITY.parse(values.get(ASYNC_CAPACITY.key()));
        asyncCapacity = capacity == 0 ? 4 * batchMaxSize : capacity;
        retryMaxAttempts = RETRY_MAX_ATTEMPTS.parse(values.get(RETRY_MAX_ATTEMPTS.key()));
        retryInitialBackoff = RETRY_INITIAL_BACKOFF.parse(values.get(RETRY_INITIAL_BACKOFF.key()));
        retryMaxBackoff = RETRY_MAX_BACKOFF.parse(values.get(RETRY_MAX_BACKOFF.key()));
        kafkaStartupTimeout = KAFKA_STARTUP_TIMEOUT.parse(values.get(KAFKA_STARTUP_TIMEOUT.key()));
        cacheMaxEntries = CACHE_MAX_ENTRIES.parse(values.get(CACHE_MAX_ENTRIES.key()));
        topK = TOP_K.parse(values.get(TOP_K.key()));
        minScore = MIN_SCORE.parse(values.get(MIN_SCORE.key()));
        faqsTopic = FAQS_TOPIC.parse(values.get(FAQS_TOPIC.key()));
        faqMaxRecordBytes = FAQ_MAX_RECORD_BYTES.parse(values.get(FAQ_MAX_RECORD_BYTES.key()));
        faqBootstrapTimeout = FAQ_BOOTSTRAP_TIMEOUT.parse(values.get(FAQ_BOOTSTRAP_TIMEOUT.key()));
        fallbackTenant = FALLBACK_TENANT.parse(values.get(FALLBACK_TENANT.key()));
        // Unset, clarify-score follows a min-score set below its default, so that setting one threshold is enough.
        double clarifyScore = CLARIFY_SCORE.parse(values.get(CLARIFY_SCORE.key()));
        thresholds = thresholds("match.", minScore,
                values.containsKey(CLARIFY_SCORE.key()) ? clarifyScore : Math.min(clarifyScore, minScore),
                CLARIFY_MARGIN.parse(values.get(CLARIFY_MARGIN.key())));
        tenantThresholds = tenantThresholds(values, thresholds);
        embeddingFormat = EMBEDDING_OUTPUT.parse(values.get(EMBEDDING_OUTPUT.key()));
        maxTextBytes = MAX_TEXT_BYTES.parse(values.get(MAX_TEXT_BYTES.key()));
        deadLetterMaxPayloadBytes = DEAD_LETTER_MAX_PAYLOAD_BYTES.parse(values.get(DEAD_LETTER_MAX_PAYLOAD_BYTES.key()));
        parallelism = PARALLELISM.parse(values.get(PARALLELISM.key()));
        jobName = JOB_NAME.parse(values.get(JOB_NAME.key()));
        kafkaClientProperties = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(KAFKA_CLIENT_PREFIX) && k.length() > KAFKA_CLIENT_PREFIX.length()) {
                kafkaClientProperties.put(k.substring(KAFKA_CLIENT_PREFIX.length()), v);
            }
        });
        if (asyncCapacity < batchMaxSize) {
            throw new ConfigException("Invalid value '" + capacity + "' for setting '" + ASYNC_CAPACITY.key()
                    + "': it must be at least batch.max-size (" + batchMaxSize + "), or 0 for 4 x batch.max-size,"
                    + " or batches can never fill.");
        }
    }

    /** @param prefix "match." for the job-wide settings, "match.tenant.NAME." for a tenant's */
    private static Thresholds thresholds(String prefix, double min, double clarify, double margin) {
        if (clarify > min) {
            throw new ConfigException("Invalid value '" + clarify + "' for setting '" + prefix + "clarify-score"
                    + "': it must not exceed " + prefix + "min-score (" + min + "), or no question could be answered.");
        }
        return new Thresholds(min, clarify, margin);
    }

    /**
     * {@code match.tenant.<name>.<threshold>}: each parsed as its job-wide setting is, a missing one
     * taken from the job-wide value.
     */
    private static HashMap<String, Thresholds> tenantThresholds(Map<String, String> values, Thresholds base) {
        Map<String, Map<String, String>> byTenant = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!e.getKey().startsWith(TENANT_PREFIX)) {
                continue;
            }
            String rest = e.getKey().substring(TENANT_PREFIX.length());
            int dot = rest.lastIndexOf('.');
            String tenant = dot < 0 ? "" : rest.substring(0, dot);
            String name = dot < 0 ? rest : rest.substring(dot + 1);
            if (!TENANT_NAME.matcher(tenant).matches() || !TENANT_THRESHOLDS.contains(name)) {
                throw new ConfigException("Unknown setting '" + e.getKey() + "': per-tenant settings are "
                        + TENANT_PREFIX + "<tenant>.min-score, .clarify-score and .clarify-margin, with a tenant name"
                        + " of letters, digits, '_' and '-'.");
            }
            byTenant.computeIfAbsent(tenant, t -> new HashMap<>()).put(name, e.getValue());
        }
        HashMap<String, Thresholds> result = new HashMap<>();
        byTenant.forEach((tenant, settings) -> {
            String prefix = TENANT_PREFIX + tenant + ".";
            double min = settings.containsKey("min-score")
                    ? rename(MIN_SCORE, prefix + "min-score").parse(settings.get("min-score")) : base.minScore();
            double clarify = settings.containsKey("clarify-score")
                    ? rename(CLARIFY_SCORE, prefix + "clarify-score").parse(settings.get("clarify-score"))
                    : Math.min(base.clarifyScore(), min);
            double margin = settings.containsKey("clarify-margin")
                    ? rename(CLARIFY_MARGIN, prefix + "clarify-margin").parse(settings.get("clarify-margin"))
                    : base.clarifyMargin();
            result.put(tenant, thresholds(prefix, min, clarify, margin));
        });
        return result;
    }

    private static final java.util.regex.Pattern TENANT_NAME = FaqRecords.TENANT;
    private static final List<String> TENANT_THRESHOLDS = List.of("min-score", "clarify-score", "clarify-margin");

    private static <T> Setting<T> rename(Setting<T> setting, String key) {
        return Setting.of(key, setting.defaultValue(), setting.allowed(), setting.description(), setting::parse);
    }

    /** The routing thresholds of a tenant's bank: its own settings, else the job-wide ones. */
    public Thresholds thresholds(String tenant) {
        return tenantThresholds.getOrDefault(tenant, thresholds);
    }

    /** Every setting at its default. */
    public static MatcherConfig defaults() {
        return fromMap(Map.of());
    }

    /** Validates every value; unknown keys are errors, so that a typo does not go unnoticed. */
    public static MatcherConfig fromMap(Map<String, String> values) {
        for (String key : values.keySet()) {
            if (!key.startsWith(KAFKA_CLIENT_PREFIX) && !key.startsWith(TENANT_PREFIX) && SETTINGS.stream().noneMatch(s -> s.key().equals(key))) {
                throw new ConfigException("Unknown setting '" + key + "'. Known settings: "
                        + String.join(", ", SETTINGS.stream().map(Setting::key).toList())
                        + ", per-tenant thresholds under '" + TENANT_PREFIX + "', and Kafka client properties under '"
                        + KAFKA_CLIENT_PREFIX + "'.");
            }
        }
        return new MatcherConfig(values);
    }

    /** Job arguments: {@code --key value} pairs, and {@code --config file.yaml} for a file of them. */
    public static MatcherConfig fromArgs(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> argMap;
        try {
            argMap = ParameterTool.fromArgs(args).toMap();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Cannot read the job arguments: " + e.getMessage()
                    + ". Pass settings as --key value pairs.");
        }
        String file = argMap.get(CONFIG_FILE_ARG);
        if (file != null) {
            values.putAll(readYaml(Path.of(file)));
        }
        argMap.forEach((k, v) -> {
            if (!k.equals(CONFIG_FILE_ARG)) {
                values.put(k, v);
            }
        });
        return fromMap(values);
    }

    /** Reads a YAML file of settings; nested maps flatten to dotted keys. */
    static Map<String, String> readYaml(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("Configuration file " + file + " does not exist (argument --" + CONFIG_FILE_ARG + ").");
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("Configuration file " + file + " is not valid YAML: " + e.getMessage());
        }
        Map<String, String> flat = new TreeMap<>();
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isObject()) {
                throw new ConfigException("Configuration file " + file + " must hold a map of settings.");
            }
            flatten("", root, flat, file);
        }
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key + ".", value, out, file);
            } else if (value.isValueNode() && !value.isNull()) {
                out.put(key, value.asText());
            } else if (!value.isNull()) {
                throw new ConfigException("Setting '" + key + "' in " + file + " must be a single value.");
            }
        }
    }

    /** Kafka client properties passed through to the source and the sinks (security, SASL, TLS...). */
    public Map<String, String> kafkaClientProperties() {
        return Collections.unmodifiableMap(kafkaClientProperties);
    }
}
