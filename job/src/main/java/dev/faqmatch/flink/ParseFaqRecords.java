package dev.faqmatch.flink;

import dev.faqmatch.event.DeadLetters;
import dev.faqmatch.event.InvalidQuestionException;
import dev.faqmatch.event.RawRecord;
import dev.faqmatch.faq.FaqRecords;
import dev.faqmatch.faq.FaqUpdate;
import dev.faqmatch.flink.internal.MatcherMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Validates the FAQ topic's records before they are broadcast, so that each bad one makes one
 * dead letter (not one per slot). A bad record still goes on as its position only, so that the
 * banks know how far the topic has been read.
 */
public final class ParseFaqRecords extends ProcessFunction<RawRecord, FaqUpdate> {
    private static final long serialVersionUID = 1L;

    private final int maxRecordBytes;
    private final int maxDeadLetterPayloadBytes;
    private transient Counter invalid;

    public ParseFaqRecords(MatcherOptions options) {
        this.maxRecordBytes = options.faqMaxRecordBytes();
        this.maxDeadLetterPayloadBytes = options.deadLetterMaxPayloadBytes();
    }

    @Override
    public void open(OpenContext context) {
        invalid = getRuntimeContext().getMetricGroup().addGroup(MatcherMetrics.GROUP).counter("invalidFaqRecords");
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<FaqUpdate> out) {
        try {
            out.collect(FaqRecords.parse(record, maxRecordBytes));
        } catch (InvalidQuestionException e) {
            invalid.inc();
            ctx.output(SideOutputs.DEAD_LETTERS,
                    DeadLetters.of(record, e, System.currentTimeMillis(), maxDeadLetterPayloadBytes));
            out.collect(FaqUpdate.positionOnly(record.partition(), record.offset(), record.timestamp()));
        }
    }
}
