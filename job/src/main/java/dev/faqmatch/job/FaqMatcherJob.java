package dev.faqmatch.job;

import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.event.DeadLetter;
import dev.faqmatch.event.MatchEvent;
import dev.faqmatch.event.Question;
import dev.faqmatch.event.RawRecord;
import dev.faqmatch.faq.FaqBankReader;
import dev.faqmatch.flink.EmbedAndMatchFunction;
import dev.faqmatch.flink.JsonRecords;
import dev.faqmatch.flink.KafkaClientConfig;
import dev.faqmatch.flink.KafkaPreflight;
import dev.faqmatch.flink.ParseQuestions;
import dev.faqmatch.flink.RawRecordDeserializer;
import dev.faqmatch.inference.ModelSource;
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
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FAQ matcher job: questions from Kafka, embedded and matched against the FAQ bank, match
 * events to Kafka, invalid records to the dead-letter topic.
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
        build(env, config);
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

    /** Adds the pipeline to {@code env}. */
    public static void build(StreamExecutionEnvironment env, MatcherConfig config) {
        build(env, config, new EmbedAndMatchFunction(EmbedAndMatchFunction.Options.from(config)));
    }

    /**
     * Adds the pipeline with a given embed-and-match function (tests wrap the real one to inject
     * faults).
     */
    public static void build(StreamExecutionEnvironment env, MatcherConfig config,
            RichAsyncFunction<Question, MatchEvent> embedAndMatch) {
        if (config.get(MatcherConfig.PARALLELISM) > 0) {
            env.setParallelism(config.get(MatcherConfig.PARALLELISM));
        }
        env.enableCheckpointing(config.get(MatcherConfig.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        // No operator keeps or changes a record after emitting it (the async operator copies its
        // input itself), so chained operators can pass records without a serializer copy each.
        env.getConfig().enableObjectReuse();

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
        LiveFaqBanks.Wired live = config.get(MatcherConfig.FAQS_TOPIC).isEmpty() ? null
                : LiveFaqBanks.connect(env, config, rawQuestions);
        SingleOutputStreamOperator<Question> questions = live != null ? live.questions()
                : rawQuestions.process(new ParseQuestions(config.get(MatcherConfig.MAX_TEXT_BYTES),
                                config.get(MatcherConfig.DEAD_LETTER_MAX_PAYLOAD_BYTES)))
                        .name("parse-questions")
                        .uid("parse-questions");

        // A batch that fails in the model is retried with backoff; when every attempt fails the
        // job fails and restarts from its checkpoint, so no question is dropped.
        AsyncRetryStrategy<MatchEvent> retry = new AsyncRetryStrategies.ExponentialBackoffDelayRetryStrategyBuilder<MatchEvent>(
                        config.get(MatcherConfig.RETRY_MAX_ATTEMPTS) - 1, config.get(MatcherConfig.RETRY_INITIAL_BACKOFF).toMillis(),
                        config.get(MatcherConfig.RETRY_MAX_BACKOFF).toMillis(), 2.0)
                .ifException(RetryPredicates.HAS_EXCEPTION_PREDICATE)
                .build();
        DataStream<MatchEvent> matches = AsyncDataStream.unorderedWaitWithRetry(questions, embedAndMatch,
                        config.get(MatcherConfig.ASYNC_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS, config.asyncCapacity(), retry)
                .name("embed-and-match")
                .uid("embed-and-match");

        matches.sinkTo(sink(config, config.get(MatcherConfig.MATCHES_TOPIC), "m", MatchEvent::id))
                .name("matches-sink").uid("matches-sink");
        DataStream<DeadLetter> deadLetters = questions.getSideOutput(ParseQuestions.DEAD_LETTERS);
        if (live != null) {
            deadLetters = deadLetters.union(live.faqDeadLetters());
        }
        deadLetters
                .sinkTo(sink(config, config.get(MatcherConfig.DEAD_LETTER_TOPIC), "d", DeadLetter::key))
                .name("dead-letter-sink")
                .uid("dead-letter-sink");
    }

    static OffsetsInitializer startingOffsets(MatcherConfig config) {
        return switch (config.get(MatcherConfig.STARTING_OFFSETS)) {
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }

    private static <T> KafkaSink<T> sink(MatcherConfig config, String topic, String idSuffix,
            org.apache.flink.util.function.SerializableFunction<T, String> key) {
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
