package dev.faqmatch.flink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faqmatch.event.MatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** The counts lose nothing when the task thread and the batcher thread count at once. */
class MatchCountersTest {
    private static MatchEvent event(boolean matched) {
        return MatchEvent.builder("q").question("t", null, null).model("m").matches(List.of(), matched)
                .processed(2L, 1.0).route("answer").bank("default", "seed").build();
    }

    @Test
    void concurrentIncrementsAreAllCounted() throws Exception {
        MatchCounters counts = new MatchCounters(new UnregisteredMetricsGroup());
        int threads = 8;
        int perThread = 50_000;
        MatchEvent yes = event(true);
        MatchEvent no = event(false);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    counts.onEvent(id % 2 == 0 ? yes : no);
                    counts.failedBatches.inc();
                }
            });
            thread.start();
            all.add(thread);
        }
        start.countDown();
        for (Thread thread : all) {
            thread.join();
        }
        assertThat(counts.questions.getCount()).isEqualTo((long) threads * perThread);
        assertThat(counts.matched.getCount()).isEqualTo((long) threads / 2 * perThread);
        assertThat(counts.unmatched.getCount()).isEqualTo((long) threads / 2 * perThread);
        assertThat(counts.failedBatches.getCount()).isEqualTo((long) threads * perThread);
        assertThat(counts.matchedRatio()).isEqualTo(0.5);
    }
}
