package dev.faqmatch.flink;

import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.faq.GraphSearch;
import dev.faqmatch.inference.DeviceChoice;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.match.FaqMatcher;
import dev.faqmatch.match.TenantRouting;
import java.io.Serializable;
import java.time.Duration;

/**
 * What the job's operators need from the configuration, and nothing else: it travels in the job
 * graph with them, so it holds no Kafka client properties (no credentials). One type for every
 * operator, so that the slots of one TaskManager agree on what they share (the model, the banks).
 *
 * @param modelDir the model directory, empty for the bundled model {@code modelName}
 * @param intraOpThreads ONNX Runtime threads per session, 0 for cores / parallelism
 * @param faqBank the bank file of tenant {@code default}
 * @param graphSearch how its large banks are searched
 * @param faqsTopic the FAQ topic, empty for none (named in messages)
 * @param asyncCapacity questions in flight per slot
 * @param bootstrapTimeout how long questions wait for the FAQ topic at a job's first start
 * @param bootstrapMaxHeld questions a slot holds meanwhile before it stops reading them
 */
public record MatcherOptions(String modelDir, String modelName, DeviceChoice device, int intraOpThreads,
        String faqBank, GraphSearch graphSearch, String faqsTopic, FaqMatcher.Options matching, TenantRouting routing,
        Duration asyncTimeout, int asyncCapacity, Duration bootstrapTimeout, int bootstrapMaxHeld, int maxTextBytes,
        int faqMaxRecordBytes, int deadLetterMaxPayloadBytes) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static MatcherOptions from(MatcherConfig config) {
        return new MatcherOptions(config.get(MatcherConfig.MODEL_DIR), config.get(MatcherConfig.MODEL_NAME),
                config.get(MatcherConfig.DEVICE), config.get(MatcherConfig.INTRA_OP_THREADS),
                config.get(MatcherConfig.FAQ_BANK), config.graphSearch(), config.get(MatcherConfig.FAQS_TOPIC),
                new FaqMatcher.Options(config.get(MatcherConfig.TOP_K), config.get(MatcherConfig.EMBEDDING_OUTPUT),
                        config.get(MatcherConfig.BATCH_MAX_SIZE), config.get(MatcherConfig.BATCH_MAX_DELAY),
                        config.get(MatcherConfig.CACHE_MAX_ENTRIES)),
                config.routing(), config.get(MatcherConfig.ASYNC_TIMEOUT), config.asyncCapacity(),
                config.get(MatcherConfig.FAQ_BOOTSTRAP_TIMEOUT), config.get(MatcherConfig.FAQ_BOOTSTRAP_MAX_HELD),
                config.get(MatcherConfig.MAX_TEXT_BYTES), config.get(MatcherConfig.FAQ_MAX_RECORD_BYTES),
                config.get(MatcherConfig.DEAD_LETTER_MAX_PAYLOAD_BYTES));
    }

    /** The model these options name, resolved (a directory checked, or the bundled model). */
    public ModelSource model() {
        return ModelSource.resolve(modelDir, modelName);
    }

    /**
     * The longest a question may wait in the async operator: its bank's first embedding at a job's
     * start, then its own {@code async.timeout}, which {@link FaqMatcher} counts from the moment
     * the bank is ready.
     */
    public Duration asyncOperatorTimeout() {
        return asyncTimeout.plus(bootstrapTimeout);
    }
}
