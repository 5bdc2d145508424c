package dev.faqmatch.flink.internal;

import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.event.MatchEvent;
import dev.faqmatch.event.Question;
import dev.faqmatch.faq.LiveBanks;
import dev.faqmatch.flink.MatcherOptions;
import dev.faqmatch.inference.Device;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.EmbeddingCache;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.inference.RefCountedCache;
import dev.faqmatch.match.FaqMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slot's matcher: the model session (shared by the slots on one GPU), the TaskManager's banks
 * and embedding cache, a micro-batcher, and the matcher's metrics. The DataStream job's
 * embed-and-match function and the SQL model provider both hold one, so that there is a single
 * inference path.
 */
public final class SlotMatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlotMatcher.class);
    /** Flink external resource name of GPUs ({@code external-resources: gpu}). */
    public static final String GPU_RESOURCE = "gpu";
    /** Batches the histograms keep: at a few batches a second, the last minutes. */
    private static final int HISTOGRAM_WINDOW = 500;

    private RefCountedCache<SharedModels.EmbedderKey, Embedder>.Lease embedderLease;
    private RefCountedCache<SharedBanks.Key, LiveBanks>.Lease banksLease;
    private RefCountedCache<SharedModels.CacheKey, EmbeddingCache>.Lease cacheLease;
    private FaqMatcher matcher;
    private MatchCounters counts;
    private volatile int lastBatchSize;
    private volatile double lastBatchMillis;
    private Histogram batchSizes;
    private Histogram batchMillis;

    private SlotMatcher() {}

    /**
     * Opens the matcher of subtask {@code subtask} of {@code parallelism}.
     *
     * @param banksScope what shares one set of live banks on a TaskManager: the job's id
     * @param gpus the slot's GPUs from Flink's external resource {@value #GPU_RESOURCE}
     * @param metrics where the matcher's metrics go (group {@link MatcherMetrics#GROUP} is added)
     */
    public static SlotMatcher open(MatcherOptions options, String banksScope, int subtask, int parallelism,
            Collection<ExternalResourceInfo> gpus, MetricGroup metrics) {
        SlotMatcher slot = new SlotMatcher();
        try {
            slot.start(options, banksScope, subtask, parallelism, gpus, metrics);
            return slot;
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
    }

    private void start(MatcherOptions options, String banksScope, int subtask, int parallelism,
            Collection<ExternalResourceInfo> gpus, MetricGroup metrics) {
        long start = System.nanoTime();
        ModelSource model = options.model();
        Device device = options.device().resolve(indexes(gpus), subtask);
        int threads = options.intraOpThreads() > 0
                ? options.intraOpThreads()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, parallelism));
        FaqMatcher.Options matching = options.matching();
        embedderLease = SharedModels.embedder(model, device, subtask, threads);
        banksLease = SharedBanks.acquire(banksScope, options);
        cacheLease = SharedModels.cache(model, matching.cacheMaxEntries());
        Embedder embedder = embedderLease.get();
        LiveBanks banks = banksLease.get();
        if (banks.dim() != embedder.spec().dim()) {
            throw new IllegalStateException("FAQ bank dim " + banks.dim() + " != model dim " + embedder.spec().dim());
        }
        matcher = FaqMatcher.builder(embedder, matching)
                .name("faq-batcher-" + subtask)
                .batchListener(this::onBatch)
                .cache(cacheLease.get())
                .banks(new TenantBanks(banks, options.routing()))
                .timeout(options.asyncTimeout(), MatcherConfig.ASYNC_TIMEOUT.key())
                .build();
        registerMetrics(metrics.addGroup(MatcherMetrics.GROUP), embedder);
        LOG.info("Slot {}/{} ready in {} ms: model {}; FAQ banks (default from {}): {}; batches of up to {} questions"
                        + " or {} ms; async capacity {}, timeout {} s; top-k {}; routing {}",
                subtask + 1, parallelism, (System.nanoTime() - start) / 1_000_000, embedder, options.faqBank(),
                banks.describe(), matching.batchMaxSize(), matching.batchMaxDelay().toMillis(), options.asyncCapacity(),
                options.asyncTimeout().toSeconds(), matching.topK(), options.routing().describe());
    }

    /** The CUDA devices Flink's external-resource framework gave the slot. */
    private static List<Integer> indexes(Collection<ExternalResourceInfo> gpus) {
        List<Integer> indexes = new ArrayList<>();
        for (ExternalResourceInfo info : gpus) {
            String index = info.getProperty("index").orElse("0");
            try {
                indexes.add(Integer.parseInt(index.trim()));
            } catch (NumberFormatException e) {
                LOG.warn("GPU external resource has index '{}', not a number; using GPU 0", index);
                indexes.add(0);
            }
        }
        return indexes;
    }

    private void registerMetrics(MetricGroup group, Embedder embedder) {
        counts = new MatchCounters(group);
        group.meter("questionsPerSecond", new MeterView(counts.questions));
        group.gauge("queueDepth", () -> matcher == null ? 0 : matcher.queued());
        group.gauge("batchSize", () -> lastBatchSize);
        group.gauge("batchMillis", () -> lastBatchMillis);
        // The gauges show only the last batch; the distributions (quantiles in Prometheus) show
        // whether batches fill up and how long the model runs take under load.
        batchSizes = group.histogram("batchSizeHistogram", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        batchMillis = group.histogram("batchMillisHistogram", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        group.gauge("cacheHits", () -> matcher == null ? 0L : matcher.cache().hits());
        group.gauge("cacheMisses", () -> matcher == null ? 0L : matcher.cache().misses());
        group.gauge("cacheHitRatio", () -> matcher == null ? 0.0 : matcher.cache().hitRatio());
        group.gauge("onGpu", () -> embedder.device().gpu() ? 1 : 0);
        group.gauge("matchedRatio", counts::matchedRatio);
    }

    private void onBatch(int size, long nanos, boolean failed) {
        lastBatchSize = size;
        lastBatchMillis = nanos / 1e6;
        if (batchSizes != null) {
            batchSizes.update(size);
            batchMillis.update(Math.round(nanos / 1e6));
            if (failed) {
                counts.failedBatches.inc();
            }
        }
    }

    /** Matches a question; the event is counted when it completes. */
    public CompletableFuture<MatchEvent> match(Question question) {
        return matcher.match(question).whenComplete((event, error) -> {
            if (error == null) {
                counts.onEvent(event);
            }
        });
    }

    /** Questions waiting for a batch. */
    public int queued() {
        return matcher == null ? 0 : matcher.queued();
    }

    /** The model's session (its spec says name and dim). */
    public Embedder embedder() {
        return embedderLease.get();
    }

    @Override
    public void close() {
        if (matcher != null) {
            matcher.close();
            matcher = null;
        }
        for (AutoCloseable lease : Arrays.<AutoCloseable>asList(banksLease, cacheLease, embedderLease)) {
            if (lease != null) {
                try {
                    lease.close();
                } catch (Exception e) {
                    LOG.warn("Could not release a shared model resource", e);
                }
            }
        }
        banksLease = null;
        cacheLease = null;
        embedderLease = null;
    }
}
