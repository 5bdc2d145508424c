package dev.faqmatch.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Groups single requests into batches for one model run. {@link #submit} only enqueues; one
 * thread takes up to {@code maxSize} requests, waiting at most {@code maxDelay} after the oldest
 * of them arrived, hands them to the handler as one batch and completes each request's future.
 * When the handler fails, only that batch's futures fail, each with the cause.
 */
public final class MicroBatcher<T, R> implements AutoCloseable {

    /** Processes one batch; returns exactly one result per input, in order. */
    @FunctionalInterface
    public interface BatchHandler<T, R> {
        List<R> process(List<T> batch) throws Exception;
    }

    /** Told after every batch; for metrics. */
    @FunctionalInterface
    public interface BatchListener {
        void onBatch(int size, long nanos, boolean failed);
    }

    private record Pending<T, R>(T item, CompletableFuture<R> future, long enqueuedNanos) {}

    private final int maxSize;
    private final long maxDelayNanos;
    private final BatchHandler<T, R> handler;
    private final BatchListener listener;
    private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Object closeLock = new Object();
    private volatile boolean closed;

    public MicroBatcher(String name, int maxSize, Duration maxDelay, BatchHandler<T, R> handler, BatchListener listener) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be >= 1, got " + maxSize);
        }
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("maxDelay must not be negative, got " + maxDelay);
        }
        this.maxSize = maxSize;
        this.maxDelayNanos = maxDelay.toNanos();
        this.handler = handler;
        this.listener = listener == null ? (s, n, f) -> {} : listener;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public CompletableFuture<R> submit(T item) {
        CompletableFuture<R> future = new CompletableFuture<>();
        synchronized (closeLock) {
            if (closed) {
                future.completeExceptionally(new IllegalStateException("batcher " + thread.getName() + " is closed"));
                return future;
            }
            queue.add(new Pending<>(item, future, System.nanoTime()));
        }
        return future;
    }

    /** Requests waiting for a batch (not those being processed). */
    public int queued() {
        return queue.size();
    }

    private void run() {
        List<Pending<T, R>> batch = new ArrayList<>(maxSize);
        while (!closed) {
            try {
                collect(batch);
            } catch (InterruptedException e) {
                break;
            }
            process(batch);
            batch.clear();
        }
        failAll(batch);
        List<Pending<T, R>> rest = new ArrayList<>();
        queue.drainTo(rest);
        failAll(rest);
    }

    private void collect(List<Pending<T, R>> batch) throws InterruptedException {
        Pending<T, R> first = queue.take();
        batch.add(first);
        long deadline = first.enqueuedNanos() + maxDelayNanos;
        while (batch.size() < maxSize) {
            if (queue.drainTo(batch, maxSize - batch.size()) > 0) {
                continue;
            }
            long wait = deadline - System.nanoTime();
            if (wait <= 0) {
                return;
            }
            Pending<T, R> next = queue.poll(wait, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
        }
    }

    private void process(List<Pending<T, R>> batch) {
        List<T> items = new ArrayList<>(batch.size());
        for (Pending<T, R> p : batch) {
            items.add(p.item());
        }
        long start = System.nanoTime();
        List<R> results;
        try {
            results = handler.process(items);
            if (results == null || results.size() != items.size()) {
                throw new IllegalStateException("batch handler returned " + (results == null ? "null" : results.size())
                        + " results for " + items.size() + " requests");
            }
        } catch (Throwable t) {
            listener.onBatch(batch.size(), System.nanoTime() - start, true);
            for (Pending<T, R> p : batch) {
                p.future().completeExceptionally(t);
            }
            return;
        }
        listener.onBatch(batch.size(), System.nanoTime() - start, false);
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).future().complete(results.get(i));
        }
    }

    private void failAll(List<Pending<T, R>> pending) {
        for (Pending<T, R> p : pending) {
            p.future().completeExceptionally(new IllegalStateException("batcher " + thread.getName() + " closed"));
        }
    }

    /** Stops the thread; requests not yet processed fail. */
    @Override
    public void close() {
        synchronized (closeLock) {
            closed = true;
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Nothing is enqueued after 'closed' is set, so this drain leaves no request waiting.
        List<Pending<T, R>> rest = new ArrayList<>();
        queue.drainTo(rest);
        failAll(rest);
    }
}
