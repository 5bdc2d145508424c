package dev.faqmatch.sql;

import dev.faqmatch.config.ConfigException;
import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.config.Setting;
import dev.faqmatch.flink.MatcherOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code faq-matcher} model's {@code WITH} options: {@code 'task'} and the job's own settings
 * that apply to a model, under the job's names, validated by {@link MatcherConfig} (the same
 * messages as the job's). There is no second table of settings: the README's reference is the
 * model's too.
 */
final class ModelOptions {
    private static final String PROVIDER = "provider";
    private static final String TASK = "task";
    /** The job's settings that mean something to a model; Kafka, checkpoints and the like do not. */
    private static final List<Setting<?>> MODEL_SETTINGS = List.of(MatcherConfig.MODEL_DIR, MatcherConfig.MODEL_NAME,
            MatcherConfig.DEVICE, MatcherConfig.INTRA_OP_THREADS, MatcherConfig.BATCH_MAX_SIZE,
            MatcherConfig.BATCH_MAX_DELAY, MatcherConfig.CACHE_MAX_ENTRIES, MatcherConfig.FAQ_BANK,
            MatcherConfig.FAQ_GRAPH_CANDIDATE_ROWS,
            MatcherConfig.TOP_K, MatcherConfig.MIN_SCORE, MatcherConfig.CLARIFY_SCORE, MatcherConfig.CLARIFY_MARGIN,
            MatcherConfig.MAX_TEXT_BYTES, MatcherConfig.ASYNC_TIMEOUT);

    private ModelOptions() {}

    /** The task an option map names; {@code match} when it names none. */
    static ModelTask task(Map<String, String> options) {
        String task = options.getOrDefault(TASK, ModelTask.MATCH.code()).strip().toUpperCase(Locale.ROOT);
        try {
            return ModelTask.valueOf(task);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid value '" + options.get(TASK) + "' for model option '" + TASK
                    + "': embed or match.");
        }
    }

    /**
     * The matcher's options for a model's {@code WITH} options. The bank is the {@code faq.bank}
     * file (tenant {@code default}); embeddings are carried whenever the output asks for them.
     *
     * @throws ConfigException naming the first option that is unknown, does not apply to a model, or is invalid
     */
    static MatcherOptions matcher(Map<String, String> options, boolean withEmbedding) {
        Map<String, String> settings = new HashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(options).entrySet()) {
            String key = e.getKey();
            if (key.equals(PROVIDER) || key.equals(TASK)) {
                continue;
            }
            boolean applies = key.startsWith(MatcherConfig.TENANT_PREFIX)
                    || MODEL_SETTINGS.stream().anyMatch(s -> s.key().equals(key));
            if (!applies) {
                throw new ConfigException("Unknown model option '" + key + "': a faq-matcher model takes '" + TASK
                        + "' (embed or match), " + String.join(", ", MODEL_SETTINGS.stream().map(Setting::key).toList())
                        + " and per-tenant thresholds under '" + MatcherConfig.TENANT_PREFIX + "' (see the README's"
                        + " configuration reference).");
            }
            settings.put(key, e.getValue());
        }
        // No FAQ topic: the model answers from its bank file, as the job does without one.
        settings.put(MatcherConfig.FAQS_TOPIC.key(), "");
        settings.put(MatcherConfig.EMBEDDING_OUTPUT.key(), withEmbedding ? "json" : "none");
        return MatcherOptions.from(MatcherConfig.fromMap(settings));
    }
}
