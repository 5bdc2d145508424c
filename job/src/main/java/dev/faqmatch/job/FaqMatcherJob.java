package dev.faqmatch.job;

import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.event.DeadLetter;
import dev.faqmatch.event.MatchEvent;
import dev.faqmatch.event.Question;
import dev.faqmatch.event.RawRecord;
import dev.faqmatch.faq.FaqBankReader;
import dev.faqmatch.flink.EmbedAndMatchFunction;
import dev.faqmatch.flink.MatcherOptions;
import dev.faqmatch.flink.ParseQuestions;
import dev.faqmatch.flink.SideOutputs;
import dev.faqmatch.flink.kafka.FaqTopicEnd;
import dev.faqmatch.flink.kafka.JsonRecords;
import dev.faqmatch.flink.kafka.KafkaClientConfig;
import dev.faqmatch.flink.kafka.KafkaPreflight;
import dev.faqmatch.flink.kafka.RawRecordDeserializer;
import dev.faqmatch.inference.ModelSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.streaming.util.retryable.AsyncRetryStrategies;
import org.apache.flink.streaming.util.retryable.RetryPredicates;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FAQ matcher job: questions from Kafka, embedded and matched against the FAQ bank, match
 * events to Kafka, invalid records to the dead-letter topic.
 *
 * <pre>{@code
 * FaqMatcherJob.configure(env, config);      // parallelism, exactly-once checkpoints
 * FaqMatcherJob.builder(config).build(env);  // the pipeline
 * }</pre>
 */
public final class FaqMatcherJob {
    private static final Logger LOG = LoggerFactory.getLogger(FaqMatcherJob.class);

    private FaqMatcherJob() {}

    public static void main(String[] args) throws Exception {
        MatcherConfig config;
        try {
            config = MatcherConfig.fromArgs(args);
            checkResources(config);
            KafkaPreflight.check(config);
        } catch (RuntimeException e) {
            LOG.error("faq-matcher cannot start: {}", e.getMessage());
            throw e;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure(env, config);
        builder(config).build(env);
        env.execute(config.get(MatcherConfig.JOB_NAME));
    }

    /**
     * Fails on the client, before submission, when the model or the FAQ bank cannot be read, so
     * that the user sees the message at once rather than in a TaskManager's log.
     */
    static void checkResources(MatcherConfig config) {
        ModelSource model = ModelSource.resolve(config.get(MatcherConfig.MODEL_DIR), config.get(MatcherConfig.MODEL_NAME));
        int entries = FaqBankReader.read(config.get(MatcherConfig.FAQ_BANK)).size();
        LOG.info("Model {}; FAQ bank {} ({} entries); {} -> {} (dead letters: {}), delivery {}", model,
                config.get(MatcherConfig.FAQ_BANK), entries, config.get(MatcherConfig.QUESTIONS_TOPIC), config.get(MatcherConfig.MATCHES_TOPIC), config.get(MatcherConfig.DEAD_LETTER_TOPIC),
                config.get(MatcherConfig.DELIVERY));
    }

    /**
     * What the job needs of its environment: the parallelism the configuration names, exactly-once
     * checkpoints at {@code checkpoint.interval} (the transactional sinks commit with them), and
     * object reuse (no operator keeps or changes a record after emitting it; the async operator
     * copies its input itself, so chained operators skip a serializer copy each).
     */
    public static void configure(StreamExecutionEnvironment env, MatcherConfig config) {
        if (config.get(MatcherConfig.PARALLELISM) > 0) {
            env.setParallelism(config.get(MatcherConfig.PARALLELISM));
        }
        env.enableCheckpointing(config.get(MatcherConfig.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.getConfig().enableObjectReuse();
    }

    /** A builder of the job's pipeline for {@code config}. */
    public static Builder builder(MatcherConfig config) {
        return new Builder(config);
    }

    /** Adds the job's pipeline to an environment. */
    public static final class Builder {
        private final MatcherConfig config;
        private final MatcherOptions options;
        private Map<Integer, Long> faqTopicEnd;
        private RichAsyncFunction<Question, MatchEvent> embedAndMatch;

        private Builder(MatcherConfig config) {
            this.config = config;
            this.options = MatcherOptions.from(config);
        }

        /** Where the FAQ topic ends (tests without a broker); by default looked up from Kafka in {@link #build}. */
        Builder faqTopicEnd(Map<Integer, Long> lastOffsets) {
            this.faqTopicEnd = Map.copyOf(lastOffsets);
            return this;
        }

        /** Another embed-and-match function (tests wrap the real one to inject faults). */
        Builder embedAndMatch(RichAsyncFunction<Question, MatchEvent> function) {
            this.embedAndMatch = function;
            return this;
        }

        /**
         * Adds the pipeline to {@code env}. With an FAQ topic, asks Kafka where it ends now: a
         * starting job answers questions once it has read that far.
         */
        public void build(StreamExecutionEnvironment env) {
            KafkaSource<RawRecord> source = KafkaSource.<RawRecord>builder()
                    .setProperties(KafkaClientConfig.consumer(config, config.get(MatcherConfig.GROUP_ID)))
                    .setTopics(config.get(MatcherConfig.QUESTIONS_TOPIC))
                    .setStartingOffsets(startingOffsets(config))
                    .setDeserializer(new RawRecordDeserializer())
                    .build();

            DataStream<RawRecord> rawQuestions = env
                    .fromSource(source, WatermarkStrategy.noWatermarks(), "questions")
                    .uid("questions-source");
            // Without an FAQ topic the faq.bank file is the one bank, as before live banks existed.
            boolean live = !options.faqsTopic().isEmpty();
            DataStream<DeadLetter> faqDeadLetters = !live ? null : LiveFaqBanks.applyFaqTopic(env, config, options,
                    faqTopicEnd != null ? faqTopicEnd : FaqTopicEnd.lastOffsets(config));
            SingleOutputStreamOperator<Question> questions =
                    (live ? LiveFaqBanks.awaitFaqTopic(rawQuestions, options) : rawQuestions)
                            .process(new ParseQuestions(options))
                            .name("parse-questions")
                            .uid("parse-questions");

            // A batch that fails in the model is retried with backoff; when every attempt fails the
            // job fails and restarts from its checkpoint, so no question is dropped.
            AsyncRetryStrategy<MatchEvent> retry = new AsyncRetryStrategies.ExponentialBackoffDelayRetryStrategyBuilder<MatchEvent>(
                            config.get(MatcherConfig.RETRY_MAX_ATTEMPTS) - 1, config.get(MatcherConfig.RETRY_INITIAL_BACKOFF).toMillis(),
                            config.get(MatcherConfig.RETRY_MAX_BACKOFF).toMillis(), 2.0)
                    .ifException(RetryPredicates.HAS_EXCEPTION_PREDICATE)
                    .build();
            DataStream<MatchEvent> matches = AsyncDataStream.unorderedWaitWithRetry(questions,
                            embedAndMatch != null ? embedAndMatch : new EmbedAndMatchFunction(options),
                            options.asyncOperatorTimeout().toMillis(), TimeUnit.MILLISECONDS, options.asyncCapacity(), retry)
                    .name("embed-and-match")
                    .uid("embed-and-match");

            matches.sinkTo(sink(config, config.get(MatcherConfig.MATCHES_TOPIC), "m", MatchEvent::id))
                    .name("matches-sink").uid("matches-sink");
            DataStream<DeadLetter> deadLetters = questions.getSideOutput(SideOutputs.DEAD_LETTERS);
            if (live) {
                deadLetters = deadLetters.union(faqDeadLetters);
            }
            deadLetters
                    .sinkTo(sink(config, config.get(MatcherConfig.DEAD_LETTER_TOPIC), "d", DeadLetter::key))
                    .name("dead-letter-sink")
                    .uid("dead-letter-sink");
        }
    }

    static OffsetsInitializer startingOffsets(MatcherConfig config) {
        return switch (config.get(MatcherConfig.STARTING_OFFSETS)) {
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }

    private static <T> KafkaSink<T> sink(MatcherConfig config, String topic, String idSuffix,
            SerializableFunction<T, String> key) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.get(MatcherConfig.BOOTSTRAP_SERVERS))
                .setRecordSerializer(JsonRecords.to(topic, key))
                .setDeliveryGuarantee(config.get(MatcherConfig.DELIVERY) == MatcherConfig.Delivery.EXACTLY_ONCE
                        ? DeliveryGuarantee.EXACTLY_ONCE
                        : DeliveryGuarantee.AT_LEAST_ONCE)
                .setTransactionalIdPrefix(config.get(MatcherConfig.TRANSACTIONAL_ID_PREFIX) + "-" + idSuffix)
                .setKafkaProducerConfig(KafkaClientConfig.producer(config))
                .build();
    }
}
