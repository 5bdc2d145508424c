package dev.faqmatch.inference;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MicroBatcherTest {

    /** Echoes each item upper-cased and records every batch it sees. */
    private static final class Recorder implements MicroBatcher.BatchHandler<String, String> {
        final List<List<String>> batches = new CopyOnWriteArrayList<>();

        @Override
        public List<String> process(List<String> batch) {
            batches.add(List.copyOf(batch));
            List<String> out = new ArrayList<>();
            for (String s : batch) {
                out.add(s.toUpperCase());
            }
            return out;
        }
    }

    @Test
    void sizeTriggerEmitsFullBatchesWithoutWaitingForDelay() throws Exception {
        Recorder handler = new Recorder();
        try (MicroBatcher<String, String> batcher =
                new MicroBatcher<>("size", 4, Duration.ofSeconds(30), handler, null)) {
            long start = System.nanoTime();
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(batcher.submit("q" + i));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(futures.get(i).get(5, SECONDS)).isEqualTo("Q" + i);
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).isLessThan(5_000);
            assertThat(handler.batches).containsExactly(
                    List.of("q0", "q1", "q2", "q3"),
                    List.of("q4", "q5", "q6", "q7"));
        }
    }

    @Test
    void delayTriggerEmitsPartialBatchAfterMaxDelay() throws Exception {
        Recorder handler = new Recorder();
        try (MicroBatcher<String, String> batcher =
                new MicroBatcher<>("delay", 100, Duration.ofMillis(50), handler, null)) {
            long start = System.nanoTime();
            CompletableFuture<String> a = batcher.submit("a");
            CompletableFuture<String> b = batcher.submit("b");
            CompletableFuture<String> c = batcher.submit("c");
            assertThat(a.get(5, SECONDS)).isEqualTo("A");
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(b.get(5, SECONDS)).isEqualTo("B");
            assertThat(c.get(5, SECONDS)).isEqualTo("C");
            assertThat(elapsedMs).isGreaterThanOrEqualTo(40).isLessThan(2_000);
            assertThat(handler.batches).containsExactly(List.of("a", "b", "c"));
        }
    }

    @Test
    void zeroDelayStillProcessesEverything() throws Exception {
        Recorder handler = new Recorder();
        try (MicroBatcher<String, String> batcher = new MicroBatcher<>("zero", 8, Duration.ZERO, handler, null)) {
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(batcher.submit("x" + i));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(futures.get(i).get(5, SECONDS)).isEqualTo("X" + i);
            }
            assertThat(handler.batches).allSatisfy(b -> assertThat(b).hasSizeBetween(1, 8));
            assertThat(handler.batches.stream().mapToInt(List::size).sum()).isEqualTo(20);
        }
    }

    @Test
    void failureFailsOnlyThatBatchWithItsCause() throws Exception {
        RuntimeException boom = new RuntimeException("poison!");
        List<List<String>> seen = new CopyOnWriteArrayList<>();
        MicroBatcher.BatchHandler<String, String> handler = batch -> {
            seen.add(List.copyOf(batch));
            if (batch.contains("poison")) {
                throw boom;
            }
            return batch.stream().map(s -> s + "!").toList();
        };
        try (MicroBatcher<String, String> batcher =
                new MicroBatcher<>("fail", 2, Duration.ofSeconds(30), handler, null)) {
            CompletableFuture<String> good1 = batcher.submit("ok1");
            CompletableFuture<String> good2 = batcher.submit("ok2");
            CompletableFuture<String> victim = batcher.submit("victim");
            CompletableFuture<String> poison = batcher.submit("poison");
            CompletableFuture<String> later1 = batcher.submit("later1");
            CompletableFuture<String> later2 = batcher.submit("later2");

            assertThat(good1.get(5, SECONDS)).isEqualTo("ok1!");
            assertThat(good2.get(5, SECONDS)).isEqualTo("ok2!");
            for (CompletableFuture<String> f : List.of(victim, poison)) {
                assertThatThrownBy(() -> f.get(5, SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause().isSameAs(boom);
            }
            assertThat(later1.get(5, SECONDS)).isEqualTo("later1!");
            assertThat(later2.get(5, SECONDS)).isEqualTo("later2!");
            assertThat(seen).containsExactly(List.of("ok1", "ok2"), List.of("victim", "poison"),
                    List.of("later1", "later2"));
        }
    }

    @Test
    void checkedExceptionFromHandlerIsTheCause() throws Exception {
        Exception checked = new java.io.IOException("disk");
        try (MicroBatcher<String, String> batcher = new MicroBatcher<>("checked", 1, Duration.ZERO, b -> {
            throw checked;
        }, null)) {
            CompletableFuture<String> f = batcher.submit("x");
            assertThatThrownBy(() -> f.get(5, SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isSameAs(checked);
        }
    }

    @Test
    void wrongNumberOfResultsFailsTheBatch() throws Exception {
        MicroBatcher.BatchHandler<String, String> handler = batch -> batch.size() == 2 ? List.of("only one") : batch;
        try (MicroBatcher<String, String> batcher =
                new MicroBatcher<>("count", 2, Duration.ofSeconds(30), handler, null)) {
            CompletableFuture<String> a = batcher.submit("a");
            CompletableFuture<String> b = batcher.submit("b");
            for (CompletableFuture<String> f : List.of(a, b)) {
                assertThatThrownBy(() -> f.get(5, SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("1 results for 2 requests");
            }
        }
    }

    @Test
    void nullResultListFailsTheBatch() throws Exception {
        try (MicroBatcher<String, String> batcher = new MicroBatcher<>("null", 1, Duration.ZERO, b -> null, null)) {
            CompletableFuture<String> f = batcher.submit("a");
            assertThatThrownBy(() -> f.get(5, SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("null");
        }
    }

    @Test
    void closeFailsPendingFuturesAndLaterSubmits() throws Exception {
        Recorder handler = new Recorder();
        MicroBatcher<String, String> batcher = new MicroBatcher<>("close", 100, Duration.ofSeconds(30), handler, null);
        CompletableFuture<String> a = batcher.submit("a");
        CompletableFuture<String> b = batcher.submit("b");
        long start = System.nanoTime();
        batcher.close();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
        for (CompletableFuture<String> f : List.of(a, b)) {
            assertThatThrownBy(() -> f.get(5, SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("close");
        }
        assertThat(handler.batches).isEmpty();

        CompletableFuture<String> afterClose = batcher.submit("c");
        assertThat(afterClose).isCompletedExceptionally();
        assertThatThrownBy(() -> afterClose.get(5, SECONDS)).cause()
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(batcher.queued()).isZero();
    }

    @Test
    void closeFailsRequestsQueuedBehindARunningBatch() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MicroBatcher.BatchHandler<String, String> handler = batch -> {
            started.countDown();
            release.await();
            return batch;
        };
        MicroBatcher<String, String> batcher = new MicroBatcher<>("busy", 1, Duration.ZERO, handler, null);
        CompletableFuture<String> running = batcher.submit("running");
        assertThat(started.await(5, SECONDS)).isTrue();
        CompletableFuture<String> queued1 = batcher.submit("q1");
        CompletableFuture<String> queued2 = batcher.submit("q2");
        assertThat(batcher.queued()).isEqualTo(2);
        batcher.close();
        // close() interrupts the handler: the running batch fails with the handler's exception...
        assertThatThrownBy(() -> running.get(5, SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InterruptedException.class);
        // ...and the requests still queued fail instead of waiting forever.
        for (CompletableFuture<String> f : List.of(queued1, queued2)) {
            assertThatThrownBy(() -> f.get(5, SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
        assertThat(batcher.queued()).isZero();
    }

    @Test
    void listenerIsToldSizesAndFailures() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        MicroBatcher.BatchListener listener = (size, nanos, failed) -> {
            assertThat(nanos).isNotNegative();
            events.add(size + (failed ? ":failed" : ":ok"));
        };
        MicroBatcher.BatchHandler<String, String> handler = batch -> {
            if (batch.contains("bad")) {
                throw new IllegalArgumentException("bad");
            }
            return batch;
        };
        try (MicroBatcher<String, String> batcher =
                new MicroBatcher<>("listen", 3, Duration.ofSeconds(30), handler, listener)) {
            List<CompletableFuture<String>> first = List.of(batcher.submit("a"), batcher.submit("b"), batcher.submit("c"));
            for (CompletableFuture<String> f : first) {
                f.get(5, SECONDS);
            }
            List<CompletableFuture<String>> second = List.of(batcher.submit("d"), batcher.submit("bad"), batcher.submit("e"));
            for (CompletableFuture<String> f : second) {
                assertThatThrownBy(() -> f.get(5, SECONDS)).isInstanceOf(ExecutionException.class);
            }
        }
        // The listener runs before the futures complete.
        assertThat(events).containsExactly("3:ok", "3:failed");
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new MicroBatcher<String, String>("x", 0, Duration.ZERO, b -> b, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSize");
        assertThatThrownBy(() -> new MicroBatcher<String, String>("x", 1, Duration.ofMillis(-1), b -> b, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDelay");
    }
}
