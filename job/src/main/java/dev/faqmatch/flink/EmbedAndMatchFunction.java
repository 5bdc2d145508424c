package dev.faqmatch.flink;

import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.event.MatchEvent;
import dev.faqmatch.event.Question;
import dev.faqmatch.flink.internal.SlotMatcher;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Embeds questions and finds their nearest FAQ entries. Each slot holds a {@link SlotMatcher}: a
 * session of the model (shared by the slots on one GPU), the FAQ banks and a micro-batcher;
 * {@link #asyncInvoke} only tokenizes and enqueues.
 */
public class EmbedAndMatchFunction extends RichAsyncFunction<Question, MatchEvent> {
    private static final long serialVersionUID = 1L;

    private final MatcherOptions options;
    private transient SlotMatcher slot;

    public EmbedAndMatchFunction(MatcherOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        slot = SlotMatcher.open(options, getRuntimeContext().getJobInfo().getJobId().toString(),
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                getRuntimeContext().getExternalResourceInfos(SlotMatcher.GPU_RESOURCE), getRuntimeContext().getMetricGroup());
    }

    @Override
    public void asyncInvoke(Question question, ResultFuture<MatchEvent> result) {
        slot.match(question).whenComplete((event, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(List.of(event));
            }
        });
    }

    @Override
    public void timeout(Question question, ResultFuture<MatchEvent> result) {
        // The matcher's own limit (async.timeout from the moment the bank is ready) comes first;
        // this one means the question's bank was never ready.
        result.completeExceptionally(new TimeoutException("question '" + question.id() + "' was not matched within "
                + options.asyncOperatorTimeout().toMillis() + " ms: its FAQ bank was not embedded within "
                + MatcherConfig.FAQ_BOOTSTRAP_TIMEOUT.key() + " (" + options.bootstrapTimeout().toSeconds()
                + " s; see the faq-bank-updater's log), or the model took longer than " + MatcherConfig.ASYNC_TIMEOUT.key()
                + "; queue depth " + (slot == null ? 0 : slot.queued())));
    }

    @Override
    public void close() throws Exception {
        if (slot != null) {
            slot.close();
            slot = null;
        }
    }
}
