package dev.faqmatch.flink;

import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.event.MatchEvent;
import dev.faqmatch.event.Question;
import dev.faqmatch.faq.LiveBanks;
import dev.faqmatch.flink.internal.MatchCounters;
import dev.faqmatch.flink.internal.MatcherMetrics;
import dev.faqmatch.flink.internal.SharedBanks;
import dev.faqmatch.flink.internal.SharedModels;
import dev.faqmatch.flink.internal.TenantBanks;
import dev.faqmatch.inference.Device;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.EmbeddingCache;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.inference.RefCountedCache;
import dev.faqmatch.match.FaqMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds questions and finds their nearest FAQ entries. Each slot holds a session of the model
 * (shared by the slots on one GPU), the FAQ index and a micro-batcher; {@link #asyncInvoke} only
 * tokenizes and enqueues.
 */
public class EmbedAndMatchFunction extends RichAsyncFunction<Question, MatchEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EmbedAndMatchFunction.class);
    /** Flink external resource name of GPUs ({@code external-resources: gpu}). */
    public static final String GPU_RESOURCE = "gpu";
    /** Batches the histograms keep: at a few batches a second, the last minutes. */
    private static final int HISTOGRAM_WINDOW = 500;

    private final MatcherOptions options;

    private transient RefCountedCache<SharedModels.EmbedderKey, Embedder>.Lease embedderLease;
    private transient RefCountedCache<SharedBanks.Key, LiveBanks>.Lease banksLease;
    private transient RefCountedCache<SharedModels.CacheKey, EmbeddingCache>.Lease cacheLease;
    private transient FaqMatcher matcher;
    private transient MatchCounters counts;
    private transient volatile int lastBatchSize;
    private transient volatile double lastBatchMillis;
    private transient Histogram batchSizes;
    private transient Histogram batchMillis;

    public EmbedAndMatchFunction(MatcherOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        long start = System.nanoTime();
        ModelSource model = options.model();
        Device device = options.device().resolve(slotGpus(), subtask);
        int threads = options.intraOpThreads() > 0
                ? options.intraOpThreads()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, parallelism));
        FaqMatcher.Options matching = options.matching();
        try {
            embedderLease = SharedModels.embedder(model, device, subtask, threads);
            banksLease = SharedBanks.acquire(getRuntimeContext().getJobInfo().getJobId().toString(), options);
            cacheLease = SharedModels.cache(model, matching.cacheMaxEntries());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
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
        registerMetrics(embedder);
        LOG.info("Slot {}/{} ready in {} ms: model {}; FAQ banks (default from {}): {}; batches of up to {} questions"
                        + " or {} ms; async capacity {}, timeout {} s; top-k {}; routing {}",
                subtask + 1, parallelism, (System.nanoTime() - start) / 1_000_000, embedder, options.faqBank(),
                banks.describe(), matching.batchMaxSize(), matching.batchMaxDelay().toMillis(), options.asyncCapacity(),
                options.asyncTimeout().toSeconds(), matching.topK(), options.routing().describe());
    }

    /** The CUDA devices Flink's external-resource framework gave this slot (none without it). */
    private List<Integer> slotGpus() {
        List<Integer> gpus = new ArrayList<>();
        for (ExternalResourceInfo info : getRuntimeContext().getExternalResourceInfos(GPU_RESOURCE)) {
            String index = info.getProperty("index").orElse("0");
            try {
                gpus.add(Integer.parseInt(index.trim()));
            } catch (NumberFormatException e) {
                LOG.warn("GPU external resource has index '{}', not a number; using GPU 0", index);
                gpus.add(0);
            }
        }
        return gpus;
    }

    private void registerMetrics(Embedder embedder) {
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup(MatcherMetrics.GROUP);
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

    @Override
    public void asyncInvoke(Question question, ResultFuture<MatchEvent> result) {
        matcher.match(question).whenComplete((event, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
                return;
            }
            counts.onEvent(event);
            result.complete(List.of(event));
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
                + "; queue depth " + (matcher == null ? 0 : matcher.queued())));
    }

    @Override
    public void close() throws Exception {
        if (matcher != null) {
            matcher.close();
            matcher = null;
        }
        if (banksLease != null) {
            banksLease.close();
            banksLease = null;
        }
        if (cacheLease != null) {
            cacheLease.close();
            cacheLease = null;
        }
        if (embedderLease != null) {
            embedderLease.close();
            embedderLease = null;
        }
    }
}
