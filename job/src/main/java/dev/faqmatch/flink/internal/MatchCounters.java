package dev.faqmatch.flink.internal;

import dev.faqmatch.event.MatchEvent;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;

/**
 * The async operator's counts. They are incremented from the task thread (a repeated question is
 * answered from the embedding cache at once) and from the batcher thread (every other question,
 * and failed batches) at the same time, so they are thread-safe counters: Flink's default
 * {@code SimpleCounter} is a plain {@code long} and loses increments under that contention.
 */
public final class MatchCounters {
    public final Counter questions;
    public final Counter matched;
    public final Counter unmatched;
    public final Counter failedBatches;

    public MatchCounters(MetricGroup group) {
        questions = group.counter("questions", new ThreadSafeSimpleCounter());
        matched = group.counter("matched", new ThreadSafeSimpleCounter());
        unmatched = group.counter("unmatched", new ThreadSafeSimpleCounter());
        failedBatches = group.counter("failedBatches", new ThreadSafeSimpleCounter());
    }

    /** A question's match event was emitted. */
    public void onEvent(MatchEvent event) {
        questions.inc();
        (event.matched() ? matched : unmatched).inc();
    }

    /** Share of the questions so far whose best match reached min-score. */
    public double matchedRatio() {
        long all = matched.getCount() + unmatched.getCount();
        return all == 0 ? 0.0 : (double) matched.getCount() / all;
    }
}
