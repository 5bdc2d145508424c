package dev.faqmatch.flink;

import dev.faqmatch.event.DeadLetter;
import dev.faqmatch.event.DeadLetters;
import dev.faqmatch.event.InvalidQuestionException;
import dev.faqmatch.event.Question;
import dev.faqmatch.event.QuestionParser;
import dev.faqmatch.event.RawRecord;
import dev.faqmatch.faq.LiveBanks;
import dev.faqmatch.flink.internal.MatcherMetrics;
import dev.faqmatch.flink.internal.SharedBanks;
import dev.faqmatch.flink.internal.TenantBanks;
import dev.faqmatch.inference.RefCountedCache;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns raw records into questions; every record that is not one goes to
 * {@link SideOutputs#DEAD_LETTERS} with its reason. With live banks (an FAQ topic), a question of a
 * tenant that has no bank (and no {@code match.fallback-tenant} bank) is a dead letter too.
 */
public final class ParseQuestions extends ProcessFunction<RawRecord, Question> {
    private static final long serialVersionUID = 1L;

    private final MatcherOptions options;
    private transient Counter deadLetters;
    private transient RefCountedCache<SharedBanks.Key, LiveBanks>.Lease banksLease;
    private transient TenantBanks tenants;

    public ParseQuestions(MatcherOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext context) {
        deadLetters = getRuntimeContext().getMetricGroup().addGroup(MatcherMetrics.GROUP).counter("deadLetters");
        if (options.routing().live()) {
            banksLease = SharedBanks.acquire(getRuntimeContext().getJobInfo().getJobId().toString(), options);
            tenants = new TenantBanks(banksLease.get(), options.routing());
        }
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<Question> out) {
        Instant now = Instant.now();
        try {
            Question question = QuestionParser.parse(record.value(), options.maxTextBytes(),
                    ChronoUnit.MICROS.between(Instant.EPOCH, now));
            if (tenants != null && tenants.liveBank(question) == null) {
                throw unknownTenant(question);
            }
            out.collect(question);
        } catch (InvalidQuestionException e) {
            deadLetters.inc();
            DeadLetter d = DeadLetters.of(record, e, now.toEpochMilli(), options.deadLetterMaxPayloadBytes());
            ctx.output(SideOutputs.DEAD_LETTERS, d);
        }
    }

    private InvalidQuestionException unknownTenant(Question question) {
        String tenant = question.tenant() == null ? LiveBanks.DEFAULT_TENANT : question.tenant();
        String fallback = !options.routing().hasFallback() ? ""
                : " nor for the fallback '" + options.routing().fallbackTenant() + "'";
        return new InvalidQuestionException(InvalidQuestionException.Reason.UNKNOWN_TENANT,
                "no FAQ bank for tenant '" + tenant + "'" + fallback + " (setting 'match.fallback-tenant';"
                        + " publish the tenant's bank to topic '" + options.faqsTopic() + "')");
    }

    @Override
    public void close() throws Exception {
        if (banksLease != null) {
            banksLease.close();
            banksLease = null;
            tenants = null;
        }
    }
}
