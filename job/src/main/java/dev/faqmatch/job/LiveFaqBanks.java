package dev.faqmatch.job;

import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.event.DeadLetter;
import dev.faqmatch.event.RawRecord;
import dev.faqmatch.faq.FaqUpdate;
import dev.faqmatch.flink.AwaitFaqTopic;
import dev.faqmatch.flink.FaqBanksOperator;
import dev.faqmatch.flink.MatcherOptions;
import dev.faqmatch.flink.ParseFaqRecords;
import dev.faqmatch.flink.SideOutputs;
import dev.faqmatch.flink.kafka.KafkaClientConfig;
import dev.faqmatch.flink.kafka.RawRecordDeserializer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The live FAQ banks' part of the pipeline: the FAQ topic read from its earliest offset by a
 * second source, validated, broadcast to every slot's {@code faq-banks} operator, which applies it
 * to the TaskManager's banks; and the questions' wait for it at a job's start
 * ({@code await-faq-topic}), chained to the questions source.
 */
final class LiveFaqBanks {
    /** How often the FAQ source looks for the topic (when it is created after the job) and new partitions. */
    private static final String DISCOVERY_INTERVAL_MS = "10000";
    /**
     * How long past faq.bootstrap-timeout a question may wait before its gate lets it go on its
     * own: faq-banks lets every question go at faq.bootstrap-timeout, counted from its start.
     */
    private static final long AWAIT_SLACK_MS = 60_000;

    private LiveFaqBanks() {}

    /** The FAQ records, validated and applied by every slot's faq-banks; returns their dead letters. */
    static DataStream<DeadLetter> applyFaqTopic(StreamExecutionEnvironment env, MatcherConfig config,
            MatcherOptions options, Map<Integer, Long> faqTopicEnd) {
        KafkaSource<RawRecord> source = KafkaSource.<RawRecord>builder()
                .setProperties(KafkaClientConfig.consumer(config, config.get(MatcherConfig.GROUP_ID) + "-faqs"))
                // A pattern, not a list: a list fails the job when the topic does not exist yet,
                // while the pattern picks it up when it is created.
                .setTopicPattern(Pattern.compile(Pattern.quote(options.faqsTopic())))
                // The bank is in Flink's state, which records the source's offsets: a restored
                // job goes on from its checkpoint, a new one reads the whole compacted topic.
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawRecordDeserializer())
                .setProperty("partition.discovery.interval.ms", DISCOVERY_INTERVAL_MS)
                .setProperty("commit.offsets.on.checkpoint", "false") // the offsets live in the checkpoint
                .build();
        SingleOutputStreamOperator<FaqUpdate> updates = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "faqs")
                .uid("faqs-source")
                .process(new ParseFaqRecords(options))
                .returns(TypeInformation.of(FaqUpdate.class))
                .name("parse-faqs")
                .uid("parse-faqs");
        updates.broadcast()
                .transform("faq-banks", Types.VOID, new FaqBanksOperator(options, faqTopicEnd))
                .uid("faq-banks")
                .sinkTo(new DiscardingSink<>())
                .name("faq-banks-end")
                .uid("faq-banks-end");
        return updates.getSideOutput(SideOutputs.DEAD_LETTERS);
    }

    /** The questions, held at a job's start until their TaskManager's banks have read the FAQ topic. */
    static DataStream<RawRecord> awaitFaqTopic(DataStream<RawRecord> rawQuestions, MatcherOptions options) {
        return AsyncDataStream.orderedWait(rawQuestions, new AwaitFaqTopic(options),
                        options.bootstrapTimeout().toMillis() + AWAIT_SLACK_MS, TimeUnit.MILLISECONDS,
                        options.bootstrapMaxHeld())
                .name("await-faq-topic")
                .uid("await-faq-topic");
    }
}
