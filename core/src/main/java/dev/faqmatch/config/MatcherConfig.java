package dev.faqmatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.faqmatch.event.EmbeddingFormat;
import dev.faqmatch.event.QuestionParser;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.faq.FaqRecords;
import dev.faqmatch.faq.GraphSearch;
import dev.faqmatch.inference.DeviceChoice;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.match.TenantRouting;
import dev.faqmatch.match.Thresholds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The job's whole configuration, typed and validated. It comes from job arguments
 * ({@code --batch.max-size 64}) and, optionally, a YAML file named by {@code --config} whose
 * nested keys flatten to the same names; arguments win over the file.
 */
public final class MatcherConfig {

    /** Prefix of per-tenant thresholds: {@code match.tenant.<name>.min-score}, {@code .clarify-score}, {@code .clarify-margin}. */
    public static final String TENANT_PREFIX = "match.tenant.";
    private static final List<String> TENANT_THRESHOLDS = List.of("min-score", "clarify-score", "clarify-margin");
    /** The argument that names a YAML file of settings. */
    public static final String CONFIG_FILE_ARG = "config";
    /** Any Kafka client property under this prefix goes to the source and both sinks as it is. */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

    public enum Delivery { EXACTLY_ONCE, AT_LEAST_ONCE }

    public enum StartingOffsets { COMMITTED, EARLIEST, LATEST }

    /** Every setting, in the order declared here (the README's order). */
    private static final List<Setting<?>> DECLARED = new ArrayList<>();
    public static final List<Setting<?>> SETTINGS = Collections.unmodifiableList(DECLARED);

    public static final Setting<String> BOOTSTRAP_SERVERS = declare(Setting.string("kafka.bootstrap-servers", "localhost:9092",
            "Kafka brokers to connect to (host:port, comma-separated)."));
    public static final Setting<String> QUESTIONS_TOPIC = declare(Setting.string("kafka.questions-topic", "questions",
            "Topic of question events (JSON, key = question id)."));
    public static final Setting<String> MATCHES_TOPIC = declare(Setting.string("kafka.matches-topic", "faq-matches",
            "Topic the match events are written to."));
    public static final Setting<String> DEAD_LETTER_TOPIC = declare(Setting.string("kafka.dead-letter-topic", "questions-dlq",
            "Topic for records that are not valid questions, with the reason."));
    public static final Setting<String> GROUP_ID = declare(Setting.string("kafka.group-id", "faq-matcher",
            "Consumer group of the source (offsets are committed on checkpoints)."));
    public static final Setting<StartingOffsets> STARTING_OFFSETS = declare(Setting.choice("kafka.starting-offsets",
            StartingOffsets.COMMITTED, StartingOffsets.class,
            "Where a new job starts reading: the group's committed offsets (earliest if none), earliest or latest."));
    public static final Setting<String> TRANSACTIONAL_ID_PREFIX = declare(Setting.string("kafka.transactional-id-prefix",
            "faq-matcher", "Prefix of the sink's transactional ids (exactly-once); unique per job on a cluster."));
    public static final Setting<Duration> KAFKA_STARTUP_TIMEOUT = declare(Setting.duration("kafka.startup-timeout", "30s",
            Duration.ofSeconds(1), Duration.ofMinutes(10),
            "How long the job's start waits for Kafka to answer before it fails saying the brokers are unreachable."));
    public static final Setting<Delivery> DELIVERY = declare(Setting.choice("delivery.guarantee", Delivery.EXACTLY_ONCE,
            Delivery.class, "exactly-once: match events become visible (read_committed) at each checkpoint;"
                    + " at-least-once: visible at once, duplicates possible after a failure."));
    public static final Setting<Duration> CHECKPOINT_INTERVAL = declare(Setting.duration("checkpoint.interval", "10s",
            Duration.ofMillis(100), Duration.ofHours(1), "How often the job checkpoints (and commits its output)."));
    public static final Setting<String> MODEL_DIR = declare(Setting.optionalString("model.dir",
            "Model directory (model.onnx, tokenizer.json, model.json); empty for the bundled model that model.name"
                    + " names."));
    public static final Setting<String> MODEL_NAME = declare(Setting.of("model.name", ModelSource.BUNDLED.get(0),
            "one of " + String.join(", ", ModelSource.BUNDLED),
            "The bundled model to run when model.dir is empty.", name -> {
                if (!ModelSource.BUNDLED.contains(name.strip())) {
                    throw new IllegalArgumentException();
                }
                return name.strip();
            }));
    public static final Setting<String> FAQ_BANK = declare(Setting.string("faq.bank", "classpath:samples/faq-bank.jsonl",
            "FAQ bank, JSON lines of id, question, answer, tags: a file path or classpath:resource."));
    public static final Setting<DeviceChoice> DEVICE = declare(Setting.of("inference.device", "auto", "auto, cpu, gpu or gpu:N",
            "auto: the slot's GPU from Flink's external resource 'gpu' when it has one, else the CPU;"
                    + " gpu: the slot's GPU (GPU 0 without external resources); gpu:N: CUDA device N."
                    + " A GPU that CUDA cannot load falls back to the CPU with a warning.",
            DeviceChoice::parse));
    public static final Setting<Integer> INTRA_OP_THREADS = declare(Setting.integer("inference.intra-op-threads", 0, 0, 256,
            "ONNX Runtime threads per session; 0 = cores / parallelism (at least 1)."));
    public static final Setting<Integer> BATCH_MAX_SIZE = declare(Setting.integer("batch.max-size", 64, 1, 1024,
            "Most questions embedded in one model run."));
    public static final Setting<Duration> BATCH_MAX_DELAY = declare(Setting.duration("batch.max-delay", "25ms",
            Duration.ZERO, Duration.ofSeconds(10), "Longest a question waits for its batch to fill."));
    public static final Setting<Duration> ASYNC_TIMEOUT = declare(Setting.duration("async.timeout", "30s",
            Duration.ofMillis(100), Duration.ofHours(1),
            "A question not embedded within this time fails the job, which restarts from its checkpoint."));
    public static final Setting<Integer> ASYNC_CAPACITY = declare(Setting.integer("async.capacity", 0, 0, 100_000,
            "Questions in flight per slot; 0 = 4 x batch.max-size. Must be at least batch.max-size."));
    public static final Setting<Integer> CACHE_MAX_ENTRIES = declare(Setting.integer("cache.max-entries", 4096, 0, 10_000_000,
            "Embeddings of recent question texts kept per TaskManager (shared by its slots, per model), so that an"
                    + " exact repeat skips the model; 0 = no cache. Each entry holds one embedding (2 KB at dim 512)."));
    public static final Setting<Integer> RETRY_MAX_ATTEMPTS = declare(Setting.integer("retry.max-attempts", 3, 1, 100,
            "Attempts for a question whose batch failed in the model (not the data's fault), with exponential"
                    + " backoff; when all fail, the job fails and restarts from its checkpoint. 1 = no retry."));
    public static final Setting<Duration> RETRY_INITIAL_BACKOFF = declare(Setting.duration("retry.initial-backoff", "100ms",
            Duration.ofMillis(1), Duration.ofMinutes(1), "Wait before the first retry; doubles per attempt."));
    public static final Setting<Duration> RETRY_MAX_BACKOFF = declare(Setting.duration("retry.max-backoff", "5s",
            Duration.ofMillis(1), Duration.ofMinutes(10), "Longest wait between retries."));
    public static final Setting<String> FAQS_TOPIC = declare(Setting.of("kafka.faqs-topic", "faqs",
            "a topic name, empty for none",
            "Compacted topic of live FAQ upserts and deletes (key = tenant/faq_id), read from the earliest offset by"
                    + " every slot; empty: the faq.bank file is the only bank, for every question.",
            String::strip));
    public static final Setting<Integer> FAQ_MAX_RECORD_BYTES = declare(Setting.integer("faq.max-record-bytes", 65_536,
            64, 16 * 1024 * 1024,
            "Largest FAQ topic record (value bytes) accepted; larger ones go to the dead-letter topic."));
    public static final Setting<Duration> FAQ_BOOTSTRAP_TIMEOUT = declare(Setting.duration("faq.bootstrap-timeout",
            "2min", Duration.ofSeconds(1), Duration.ofHours(1),
            "At a job's first start, questions wait until the FAQ topic has been read to the end it had when the"
                    + " job was submitted, and its banks embedded; after this long they go ahead with what is there"
                    + " (logged). A question's async.timeout starts when its bank is ready."));
    public static final Setting<Integer> FAQ_BOOTSTRAP_MAX_HELD = declare(Setting.integer("faq.bootstrap-max-held",
            10_000, 1, 1_000_000,
            "Questions a slot holds (in its checkpointed state) while the FAQ topic is read at a job's start; beyond"
                    + " this many the questions wait in Kafka (backpressure)."));
    public static final Setting<Integer> FAQ_GRAPH_CANDIDATE_ROWS = declare(Setting.integer("faq.graph-candidate-rows",
            GraphSearch.DEFAULT_CANDIDATE_ROWS, GraphSearch.MIN_CANDIDATE_ROWS, 10_000,
            "A bank of " + String.format(Locale.ROOT, "%,d", FaqIndex.GRAPH_MIN_ROWS) + " phrasings and"
                    + " counter-examples or more is searched through an HNSW graph: the rows it proposes per question"
                    + " (at least 10 per match asked), whose entries are then scored exactly. More rows find the exact nearest entries more"
                    + " often, at more cost: at 1,000,000 phrasings (2 cores) 100 rows found 88% of the exact top 10 in"
                    + " 0.8 ms per question, 200 rows 98.6% in 1.4 ms, 300 rows 99.8% in 2.0 ms, against 0.7-1.0 ms"
                    + " for the int8 model (docs/BENCHMARKS.md, \"FAQ bank scale\")."));
    public static final Setting<Integer> TOP_K = declare(Setting.integer("match.top-k", 3, 1, QuestionParser.MAX_TOP_K,
            "Matches per event (a question may ask for fewer or more with top_k, up to " + QuestionParser.MAX_TOP_K
                    + ")."));
    public static final Setting<Double> MIN_SCORE = declare(Setting.decimal("match.min-score", 0.89, -1.0, 1.0,
            "Score (from cosines, README \"Events\") the best match needs for \"matched\": true (and route answer)."
                    + " The default is calibrated for the bundled model (docs/ACCURACY.md); calibrate your own with"
                    + " deploy/calibrate.sh."
                    + " Per tenant: match.tenant.<name>.min-score."));
    public static final Setting<Double> CLARIFY_SCORE = declare(Setting.decimal("match.clarify-score", 0.76, -1.0, 1.0,
            "Best-match score below which a question is routed to a person (route human); from it up to an answer,"
                    + " route clarify. At most match.min-score. Per tenant: match.tenant.<name>.clarify-score."));
    public static final Setting<Double> CLARIFY_MARGIN = declare(Setting.decimal("match.clarify-margin", 0.04, 0.0, 2.0,
            "How far the best match must be ahead of the second-best for route answer; closer, route clarify."
                    + " Per tenant: match.tenant.<name>.clarify-margin."));
    public static final Setting<String> FALLBACK_TENANT = declare(Setting.of("match.fallback-tenant", "",
            "a tenant name, empty for none",
            "Bank for questions whose tenant has none; empty: such questions go to the dead-letter topic as"
                    + " unknown_tenant. Questions without a tenant use the bank 'default'.",
            v -> {
                String t = v.strip();
                if (!t.isEmpty() && !FaqRecords.TENANT.matcher(t).matches()) {
                    throw new IllegalArgumentException();
                }
                return t;
            }));

    public static final Setting<EmbeddingFormat> EMBEDDING_OUTPUT = declare(Setting.choice("output.embedding",
            EmbeddingFormat.JSON, EmbeddingFormat.class,
            "How events carry the question's embedding: none, json (array of numbers) or base64 (little-endian float32)."));
    public static final Setting<Integer> MAX_TEXT_BYTES = declare(Setting.integer("input.max-text-bytes", 65_536, 16,
            16 * 1024 * 1024, "Longest question text (UTF-8 bytes) accepted; longer ones go to the dead-letter topic."
                    + " Texts over the model's max_seq_len tokens are truncated and flagged."));
    public static final Setting<Integer> DEAD_LETTER_MAX_PAYLOAD_BYTES = declare(Setting.integer(
            "dead-letter.max-payload-bytes", 262_144, 0, 16 * 1024 * 1024,
            "Most bytes of a bad record's value copied into its dead letter (the rest is marked cut; the record"
                    + " itself stays in the source topic). Keep it under the dead-letter topic's max.message.bytes."));
    public static final Setting<Integer> PARALLELISM = declare(Setting.integer("job.parallelism", 0, 0, 4096,
            "Parallelism of the job; 0 = the cluster's default."));
    public static final Setting<String> JOB_NAME = declare(Setting.string("job.name", "faq-matcher", "Name of the Flink job."));


    private static <T> Setting<T> declare(Setting<T> setting) {
        DECLARED.add(setting);
        return setting;
    }

    private final Map<String, Object> values;
    private final Map<String, String> kafkaClientProperties;
    private final Thresholds thresholds;
    private final Map<String, Thresholds> tenantThresholds;

    private MatcherConfig(Map<String, String> raw) {
        Map<String, Object> parsed = new HashMap<>();
        for (Setting<?> setting : SETTINGS) {
            parsed.put(setting.key(), setting.parse(raw.get(setting.key())));
        }
        values = Collections.unmodifiableMap(parsed);
        Map<String, String> client = new HashMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith(KAFKA_CLIENT_PREFIX) && k.length() > KAFKA_CLIENT_PREFIX.length()) {
                client.put(k.substring(KAFKA_CLIENT_PREFIX.length()), v);
            }
        });
        kafkaClientProperties = Collections.unmodifiableMap(client);
        // Unset, clarify-score follows a min-score set below it, as a tenant's does.
        double clarify = raw.containsKey(CLARIFY_SCORE.key()) ? get(CLARIFY_SCORE)
                : Math.min(get(CLARIFY_SCORE), get(MIN_SCORE));
        thresholds = thresholds("match.", get(MIN_SCORE), clarify, get(CLARIFY_MARGIN));
        tenantThresholds = tenantThresholds(raw, thresholds);
        int batchMaxSize = get(BATCH_MAX_SIZE);
        if (asyncCapacity() < batchMaxSize) {
            throw new ConfigException("Invalid value '" + get(ASYNC_CAPACITY) + "' for setting '" + ASYNC_CAPACITY.key()
                    + "': it must be at least batch.max-size (" + batchMaxSize + "), or 0 for 4 x batch.max-size,"
                    + " or batches can never fill.");
        }
    }

    /** The value of {@code setting}: the one given, or its default. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object value = values.get(setting.key());
        if (value == null) {
            throw new IllegalArgumentException("'" + setting.key() + "' is not one of MatcherConfig.SETTINGS");
        }
        return (T) value;
    }

    /** Questions in flight per slot: {@code async.capacity}, where 0 means 4 x batch.max-size. */
    public int asyncCapacity() {
        int capacity = get(ASYNC_CAPACITY);
        return capacity == 0 ? 4 * get(BATCH_MAX_SIZE) : capacity;
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
    private static Map<String, Thresholds> tenantThresholds(Map<String, String> values, Thresholds base) {
        Map<String, Map<String, String>> byTenant = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!e.getKey().startsWith(TENANT_PREFIX)) {
                continue;
            }
            String rest = e.getKey().substring(TENANT_PREFIX.length());
            int dot = rest.lastIndexOf('.');
            String tenant = dot < 0 ? "" : rest.substring(0, dot);
            String name = dot < 0 ? rest : rest.substring(dot + 1);
            if (!FaqRecords.TENANT.matcher(tenant).matches() || !TENANT_THRESHOLDS.contains(name)) {
                throw new ConfigException("Unknown setting '" + e.getKey() + "': per-tenant settings are "
                        + TENANT_PREFIX + "<tenant>.min-score, .clarify-score and .clarify-margin, with a tenant name"
                        + " of letters, digits, '_' and '-'.");
            }
            byTenant.computeIfAbsent(tenant, t -> new HashMap<>()).put(name, e.getValue());
        }
        Map<String, Thresholds> result = new HashMap<>();
        byTenant.forEach((tenant, settings) -> {
            String prefix = TENANT_PREFIX + tenant + ".";
            double min = settings.containsKey("min-score")
                    ? MIN_SCORE.renamed(prefix + "min-score").parse(settings.get("min-score")) : base.minScore();
            double clarify = settings.containsKey("clarify-score")
                    ? CLARIFY_SCORE.renamed(prefix + "clarify-score").parse(settings.get("clarify-score"))
                    : Math.min(base.clarifyScore(), min);
            double margin = settings.containsKey("clarify-margin")
                    ? CLARIFY_MARGIN.renamed(prefix + "clarify-margin").parse(settings.get("clarify-margin"))
                    : base.clarifyMargin();
            result.put(tenant, thresholds(prefix, min, clarify, margin));
        });
        return Collections.unmodifiableMap(result);
    }

    /** How banks of {@link FaqIndex#GRAPH_MIN_ROWS} rows or more are searched. */
    public GraphSearch graphSearch() {
        return new GraphSearch(FaqIndex.GRAPH_MIN_ROWS, get(FAQ_GRAPH_CANDIDATE_ROWS));
    }

    /** The routing thresholds of a tenant's bank: its own settings, else the job-wide ones. */
    public Thresholds thresholds(String tenant) {
        return tenantThresholds.getOrDefault(tenant, thresholds);
    }

    /** How questions find their tenant's bank and thresholds. */
    public TenantRouting routing() {
        return new TenantRouting(!get(FAQS_TOPIC).isEmpty(), get(FALLBACK_TENANT), thresholds, tenantThresholds);
    }

    /** Every setting at its default. */
    public static MatcherConfig defaults() {
        return fromMap(Map.of());
    }

    /** Validates every value; unknown keys are errors, so that a typo does not go unnoticed. */
    public static MatcherConfig fromMap(Map<String, String> values) {
        for (String key : values.keySet()) {
            if (!key.startsWith(KAFKA_CLIENT_PREFIX) && !key.startsWith(TENANT_PREFIX)
                    && SETTINGS.stream().noneMatch(s -> s.key().equals(key))) {
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
        Map<String, String> argMap = parseArgs(args);
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

    /** {@code --key value} pairs (or {@code -key value}); a key without a value or a stray value is an error. */
    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String key = args[i];
            if (!key.startsWith("-") || key.replaceFirst("^--?", "").isEmpty()) {
                throw new ConfigException("Cannot read the job arguments: '" + key
                        + "' is not a setting name. Pass settings as --key value pairs.");
            }
            if (i + 1 >= args.length) {
                throw new ConfigException("Cannot read the job arguments: " + key
                        + " has no value. Pass settings as --key value pairs.");
            }
            out.put(key.replaceFirst("^--?", ""), args[i + 1]);
        }
        return out;
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
        return kafkaClientProperties;
    }
}
