package dev.faqmatch.flink;

import dev.faqmatch.event.DeadLetter;
import dev.faqmatch.event.DeadLetters;
import dev.faqmatch.event.InvalidQuestionException;
import dev.faqmatch.event.Question;
import dev.faqmatch.event.QuestionParser;
import dev.faqmatch.event.RawRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Turns raw records into questions; every record that is not one goes to {@link #DEAD_LETTERS}. */
public final class ParseQuestions extends ProcessFunction<RawRecord, Question> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final int maxTextBytes;
    private final int maxDeadLetterPayloadBytes;
    private transient Counter deadLetters;

    public ParseQuestions(int maxTextBytes, int maxDeadLetterPayloadBytes) {
        this.maxTextBytes = maxTextBytes;
        this.maxDeadLetterPayloadBytes = maxDeadLetterPayloadBytes;
    }

    @Override
    public void open(OpenContext context) {
        deadLetters = getRuntimeContext().getMetricGroup().addGroup(EmbedAndMatchFunction.METRIC_GROUP)
                .counter("deadLetters");
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<Question> out) {
        Question question = parse(record, maxTextBytes, maxDeadLetterPayloadBytes, d -> {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, d);
        });
        if (question != null) {
            out.collect(question);
        }
    }

    /** The question in {@code record}, or null after handing its dead letter to {@code deadLetters}. */
    static Question parse(RawRecord record, int maxTextBytes, int maxDeadLetterPayloadBytes,
            Consumer<DeadLetter> deadLetters) {
        Instant now = Instant.now();
        try {
            return QuestionParser.parse(record.value(), maxTextBytes, ChronoUnit.MICROS.between(Instant.EPOCH, now));
        } catch (InvalidQuestionException e) {
            deadLetters.accept(DeadLetters.of(record, e, now.toEpochMilli(), maxDeadLetterPayloadBytes));
            return null;
        }
    }
}
