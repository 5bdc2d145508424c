package dev.faqmatch.job;

import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.event.DeadLetter;
import dev.faqmatch.event.Question;
import dev.faqmatch.event.RawRecord;
import dev.faqmatch.faq.FaqUpdate;
import dev.faqmatch.flink.FaqBanksFunction;
import dev.faqmatch.flink.KafkaClientConfig;
import dev.faqmatch.flink.ParseFaqRecords;
import dev.faqmatch.flink.ParseQuestions;
import dev.faqmatch.flink.RawRecordDeserializer;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The live FAQ banks' part of the pipeline: the FAQ topic read from its earliest offset by a
 * second source, validated, broadcast to every slot's {@code faq-banks} operator, which the
 * questions pass through on their way to embed-and-match.
 */
final class LiveFaqBanks {
    /** How often the FAQ source looks for the topic (when it is created after the job) and new partitions. */
    private static final String DISCOVERY_INTERVAL_MS = "10000";

    /** @param faqDeadLetters the FAQ records that are not valid, for the dead-letter sink */
    record Wired(SingleOutputStreamOperator<Question> questions, DataStream<DeadLetter> faqDeadLetters) {}

    private LiveFaqBanks() {}

    /** The questions, parsed, routed to their tenants' banks, behind the {@code faq-banks} operator. */
    static Wired connect(StreamExecutionEnvironment env, MatcherConfig config,
            DataStream<RawRecord> rawQuestions) {
        KafkaSource<RawRecord> source = KafkaSource.<RawRecord>builder()
                .setProperties(KafkaClientConfig.consumer(config, config.get(MatcherConfig.GROUP_ID) + "-faqs"))
                // A pattern, not a list: a list fails the job when the topic does not exist yet,
                // while the pattern picks it up when it is created.
                .setTopicPattern(Pattern.compile(Pattern.quote(config.get(MatcherConfig.FAQS_TOPIC))))
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
                .process(new ParseFaqRecords(config.get(MatcherConfig.FAQ_MAX_RECORD_BYTES), config.get(MatcherConfig.DEAD_LETTER_MAX_PAYLOAD_BYTES)))
                .returns(TypeInformation.of(FaqUpdate.class))
                .name("parse-faqs")
                .uid("parse-faqs");
        SingleOutputStreamOperator<Question> questions = rawQuestions
                .connect(updates.broadcast(FaqBanksFunction.ENTRIES, FaqBanksFunction.POSITIONS))
                .process(new FaqBanksFunction(FaqBanksFunction.Options.from(config)))
                .returns(TypeInformation.of(Question.class))
                .name("faq-banks")
                .uid("faq-banks");
        return new Wired(questions, updates.getSideOutput(ParseQuestions.DEAD_LETTERS));
}
}
