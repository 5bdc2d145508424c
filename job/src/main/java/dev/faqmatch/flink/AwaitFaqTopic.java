package dev.faqmatch.flink;

import dev.faqmatch.event.RawRecord;
import dev.faqmatch.faq.LiveBanks;
import dev.faqmatch.flink.internal.SharedBanks;
import dev.faqmatch.inference.RefCountedCache;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Lets questions go on once their TaskManager's FAQ banks have the FAQ topic as far as a starting
 * job must read it ({@link LiveBanks#topicRead()}, said by {@link FaqBanksOperator}). As an async
 * operator it holds at most its capacity ({@code faq.bootstrap-max-held}) in flight, in the
 * checkpoint; beyond that the questions wait in Kafka, and the task thread never blocks. After the
 * start every question passes at once.
 */
public final class AwaitFaqTopic extends RichAsyncFunction<RawRecord, RawRecord> {
    private static final long serialVersionUID = 1L;

    private final MatcherOptions options;
    private transient RefCountedCache<SharedBanks.Key, LiveBanks>.Lease banksLease;

    public AwaitFaqTopic(MatcherOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext context) {
        banksLease = SharedBanks.acquire(getRuntimeContext().getJobInfo().getJobId().toString(), options);
    }

    @Override
    public void asyncInvoke(RawRecord question, ResultFuture<RawRecord> result) {
        banksLease.get().topicRead().whenComplete((read, error) -> result.complete(List.of(question)));
    }

    /** The faq-banks operator lets questions go at faq.bootstrap-timeout; this is its backstop. */
    @Override
    public void timeout(RawRecord question, ResultFuture<RawRecord> result) {
        result.complete(List.of(question));
    }

    @Override
    public void close() throws Exception {
        if (banksLease != null) {
            banksLease.close();
            banksLease = null;
        }
    }
}
