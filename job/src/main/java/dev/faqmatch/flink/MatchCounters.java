package dev.faqmatch.flink;

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
final class MatchCounters {
    final Counter questions;
    final Counter matched;
    final Counter unmatched;
    final Counter failedBatches;

    MatchCounters(MetricGroup group) {
        questions = group.counter("questions", new ThreadSafeSimpleCounter());
        matched = group.counter("matched", new ThreadSafeSimpleCounter());
        unmatched = group.counter("unmatched", new ThreadSafeSimpleCounter());
        failedBatches = group.counter("failedBatches", new ThreadSafeSimpleCounter());
    }

    /** A question's match event was emitted. */
    void onEvent(MatchEvent event) {
        questions.inc();
        (event.matched() ? matched : unmatched).inc();
    }

    /** Share of the questions so far whose best match reached min-score. */
    double matchedRatio() {
        long all = matched.getCount() + unmatched.getCount();
        return all == 0 ? 0.0 : (double) matched.getCount() / all;
    }
}
