package dev.faqmatch.bench;

import dev.faqmatch.event.EmbeddingFormat;
import dev.faqmatch.event.Question;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.EmbeddingCache;
import dev.faqmatch.inference.LengthBuckets;
import dev.faqmatch.inference.MicroBatcher;
import dev.faqmatch.match.FaqMatcher;
import dev.faqmatch.match.Thresholds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The project's inference layer as the job runs it, without Kafka or Flink: per slot one
 * {@link FaqMatcher} (tokenizer on the caller, micro-batcher, one session, pooling, top-k) fed
 * by one thread that keeps at most {@code capacity} questions in flight, as Flink's unordered
 * async operator does.
 */
final class InferenceLayerBench {
    record Result(String model, int slots, int batchMaxSize, long batchMaxDelayMs, int capacity, boolean bucketed,
            int cacheMaxEntries, int texts, double seconds, double perSecond, double meanBatchSize,
            double fullBatchMillis, double cacheHitRatio, Map<String, Double> threadCpuMsPerText) {}

    private InferenceLayerBench() {}

    /**
     * @param embedders one per slot (1 intra-op thread each on the CPU)
     * @param cacheMaxEntries per slot; 0 for none
     */
    static Result run(String model, List<Embedder> embedders, FaqIndex index, List<String> texts, int batchMaxSize,
            Duration batchMaxDelay, int cacheMaxEntries, boolean bucketed) throws InterruptedException {
        int slots = embedders.size();
        int capacity = 4 * batchMaxSize;
        LongAdder batches = new LongAdder();
        LongAdder batched = new LongAdder();
        LongAdder fullBatches = new LongAdder();
        LongAdder fullNanos = new LongAdder();
        MicroBatcher.BatchListener listener = (size, nanos, failed) -> {
            batches.increment();
            batched.add(size);
            if (size == batchMaxSize) {
                fullBatches.increment();
                fullNanos.add(nanos);
            }
        };
        FaqMatcher.Options options =
                new FaqMatcher.Options(3, EmbeddingFormat.JSON, batchMaxSize, batchMaxDelay, cacheMaxEntries);
        Thresholds thresholds = new Thresholds(0.5, 0.5, 0);
        // one cache for all slots, as the job shares one per TaskManager
        EmbeddingCache cache = new EmbeddingCache(cacheMaxEntries);
        List<FaqMatcher> warm = new ArrayList<>();
        List<FaqMatcher> timed = new ArrayList<>();
        for (int s = 0; s < slots; s++) {
            warm.add(FaqMatcher.builder(embedders.get(s), options).name("bench-warm-" + s).batchListener(listener)
                    .cache(new EmbeddingCache(0)).bank(index, thresholds).build());
            timed.add(FaqMatcher.builder(embedders.get(s), options).name("bench-batcher-" + s).batchListener(listener)
                    .cache(cache).bank(index, thresholds).build());
        }
        for (Embedder e : embedders) {
            e.setRunCost(bucketed ? LengthBuckets.DEFAULT_RUN_COST : Integer.MAX_VALUE);
        }
        try {
            // warm-up (JIT, ORT's first runs), untimed and uncached
            feed(warm, BenchTexts.first(texts, Math.min(texts.size(), 2 * batchMaxSize * slots)), capacity, "w");
            batches.reset();
            batched.reset();
            fullBatches.reset();
            fullNanos.reset();
            Map<String, Long> cpu0 = Cpu.byThreadGroup();
            long start = System.nanoTime();
            long callerNanos = feed(timed, texts, capacity, "q");
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Long> cpu1 = new java.util.TreeMap<>(Cpu.byThreadGroup());
            cpu1.put("callers (tokenize, enqueue; as Flink's task threads)", callerNanos);
            Map<String, Double> cpu = Cpu.perQuestion(cpu0, cpu1, texts.size());
            long hits = cache.hits();
            long lookups = hits + cache.misses();
            long b = batches.sum();
            return new Result(model, slots, batchMaxSize, batchMaxDelay.toMillis(), capacity, bucketed, cacheMaxEntries,
                    texts.size(), seconds, texts.size() / seconds, b == 0 ? 0 : (double) batched.sum() / b,
                    fullBatches.sum() == 0 ? Double.NaN : fullNanos.sum() / 1e6 / fullBatches.sum(),
                    lookups == 0 ? 0 : (double) hits / lookups, cpu);
        } finally {
            warm.forEach(FaqMatcher::close);
            timed.forEach(FaqMatcher::close);
            for (Embedder e : embedders) {
                e.setRunCost(LengthBuckets.DEFAULT_RUN_COST);
            }
        }
    }

    /** Text i goes to slot i % slots, as records spread over partitions; returns when all are answered. */
    /** @return the callers' CPU time, nanoseconds */
    private static long feed(List<FaqMatcher> matchers, List<String> texts, int capacity, String prefix)
            throws InterruptedException {
        LongAdder callerCpu = new LongAdder();
        int slots = matchers.size();
        CountDownLatch done = new CountDownLatch(texts.size());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong ids = new AtomicLong();
        List<Thread> callers = new ArrayList<>();
        for (int s = 0; s < slots; s++) {
            int slot = s;
            FaqMatcher matcher = matchers.get(s);
            Thread t = new Thread(() -> {
                long cpuStart = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                Semaphore inFlight = new Semaphore(capacity);
                for (int i = slot; i < texts.size(); i += slots) {
                    inFlight.acquireUninterruptibly();
                    long now = System.currentTimeMillis() * 1000;
                    Question q = new Question(prefix + ids.incrementAndGet(), texts.get(i), null, null, null, now);
                    matcher.match(q).whenComplete((event, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        }
                        inFlight.release();
                        done.countDown();
                    });
                }
                callerCpu.add(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart);
            }, "bench-caller-" + s);
            t.start();
            callers.add(t);
        }
        done.await();
        for (Thread t : callers) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a question failed: " + failure.get(), failure.get());
        }
        return callerCpu.sum();
    }
}
