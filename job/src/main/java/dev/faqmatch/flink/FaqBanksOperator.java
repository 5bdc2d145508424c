package dev.faqmatch.flink;

import dev.faqmatch.faq.BankSnapshot;
import dev.faqmatch.faq.FaqRecords;
import dev.faqmatch.faq.FaqUpdate;
import dev.faqmatch.faq.LiveBanks;
import dev.faqmatch.flink.internal.MatcherMetrics;
import dev.faqmatch.flink.internal.SharedBanks;
import dev.faqmatch.inference.RefCountedCache;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the FAQ banks of every tenant in broadcast state (the same in every subtask, checkpointed,
 * restored and rescaled by Flink) and applies each FAQ record, broadcast to every slot, to the
 * TaskManager's shared {@link LiveBanks}, which the question path of the same TaskManager reads.
 *
 * <p>At a job's start, questions wait (in {@link AwaitFaqTopic}, bounded, in the checkpoint) until
 * the FAQ topic has been read to the end it had when the job was submitted, so that the first
 * questions of a tenant do not find its bank missing: this operator says so through
 * {@link LiveBanks#markTopicRead()}, or after {@code faq.bootstrap-timeout} (a processing-time
 * timer), with the banks as they are. It runs in a task of its own, so the questions waiting never
 * hold up the FAQ records they wait for, and nothing here blocks the task thread.
 */
public final class FaqBanksOperator extends AbstractStreamOperator<Void> implements OneInputStreamOperator<FaqUpdate, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FaqBanksOperator.class);

    /** {@code tenant/id} -> the record last applied to it (deletes included), as JSON. */
    public static final MapStateDescriptor<String, String> ENTRIES =
            new MapStateDescriptor<>("faq-entries", Types.STRING, Types.STRING);
    /** FAQ topic partition -> offset of the last record read from it, valid or not. */
    public static final MapStateDescriptor<Integer, Long> POSITIONS =
            new MapStateDescriptor<>("faq-positions", Types.INT, Types.LONG);

    private final MatcherOptions options;
    /** Partition -> offset of its last record when the job was submitted; what a start reads first. */
    private final TreeMap<Integer, Long> topicEnd;

    private transient BroadcastState<String, String> entries;
    private transient BroadcastState<Integer, Long> positions;
    /** Whether this slot has read the FAQ topic to {@link #topicEnd} (or stopped waiting for it). */
    private transient boolean read;
    private transient RefCountedCache<SharedBanks.Key, LiveBanks>.Lease banksLease;
    private transient Counter updatesApplied;
    private transient MetricGroup metrics;
    private transient Set<String> tenantMetrics;

    /**
     * @param topicEnd where the FAQ topic ended at submission: partition -> offset of its last
     *     record, empty for an empty or missing topic
     */
    public FaqBanksOperator(MatcherOptions options, Map<Integer, Long> topicEnd) {
        this.options = options;
        this.topicEnd = new TreeMap<>(topicEnd);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        entries = context.getOperatorStateStore().getBroadcastState(ENTRIES);
        positions = context.getOperatorStateStore().getBroadcastState(POSITIONS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        banksLease = SharedBanks.acquire(getRuntimeContext().getJobInfo().getJobId().toString(), options);
        LiveBanks banks = banksLease.get();
        List<FaqUpdate> restored = new ArrayList<>();
        for (Map.Entry<String, String> e : entries.entries()) {
            restored.add(FaqRecords.fromState(e.getValue()));
        }
        banks.applyAll(restored);
        metrics = getRuntimeContext().getMetricGroup().addGroup(MatcherMetrics.GROUP);
        updatesApplied = metrics.counter("faqUpdates");
        tenantMetrics = new HashSet<>();
        banks.tenants().forEach(this::registerTenantMetrics);

        read = readToEnd();
        if (read) {
            banks.markTopicRead();
        } else {
            long deadline = getProcessingTimeService().getCurrentProcessingTime() + options.bootstrapTimeout().toMillis();
            getProcessingTimeService().registerTimer(deadline, time -> onDeadline());
        }
        LOG.info("faq-banks {}/{}: {} FAQ records restored; FAQ topic '{}' to read up to {}{}; banks: {}",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + 1,
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(), restored.size(), options.faqsTopic(),
                topicEnd.isEmpty() ? "(empty)" : topicEnd, read ? " (read already)" : ", questions wait until then",
                banks.describe());
    }

    private boolean readToEnd() throws Exception {
        for (Map.Entry<Integer, Long> end : topicEnd.entrySet()) {
            Long position = positions.get(end.getKey());
            if (position == null || position < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void processElement(StreamRecord<FaqUpdate> element) throws Exception {
        FaqUpdate update = element.getValue();
        Long previous = positions.get(update.partition());
        if (previous == null || update.offset() > previous) {
            positions.put(update.partition(), update.offset());
        }
        if (!update.isPositionOnly()) {
            String before = entries.get(update.key());
            if (before == null || update.supersedes(FaqRecords.fromState(before))) {
                entries.put(update.key(), FaqRecords.toState(update));
            }
            registerTenantMetrics(update.tenant());
            if (banksLease.get().apply(update)) {
                updatesApplied.inc();
            }
        }
        if (!read && readToEnd()) {
            read = true;
            // The first questions are answered by the whole bank as the topic had it: they go on
            // now and embed-and-match waits for what was read to be embedded.
            banksLease.get().markTopicRead();
            LOG.info("FAQ topic '{}' read to {}; questions go on once the banks are embedded: {}", options.faqsTopic(),
                    topicEnd, banksLease.get().describe());
        }
    }

    private void onDeadline() {
        if (!read) {
            read = true;
            LOG.warn("FAQ topic '{}' not read to {} within {} (setting 'faq.bootstrap-timeout'); questions go on with"
                    + " the banks as they are: {}", options.faqsTopic(), topicEnd, options.bootstrapTimeout(),
                    banksLease.get().describe());
            banksLease.get().markTopicRead();
        }
    }

    private void registerTenantMetrics(String tenant) {
        if (!tenantMetrics.add(tenant)) {
            return;
        }
        LiveBanks banks = banksLease.get();
        MetricGroup group = metrics.addGroup("tenant", tenant);
        bankGauge(group, "bankEntries", banks, tenant, s -> s.index().size(), 0);
        bankGauge(group, "bankPhrasings", banks, tenant, s -> s.index().phrasings(), 0);
        bankGauge(group, "bankBytes", banks, tenant, s -> s.index().matrixBytes(), 0L);
        // A large bank's edits since its graph was built: rows scored on every search, rows walked for nothing.
        bankGauge(group, "bankRowsOutsideGraph", banks, tenant, s -> s.index().rowsOutsideGraph(), 0);
        bankGauge(group, "bankHiddenGraphRows", banks, tenant, s -> s.index().hiddenGraphRows(), 0);
        bankGauge(group, "bankVersion", banks, tenant, BankSnapshot::version, "");
        bankGauge(group, "bankUpdateLagMs", banks, tenant, BankSnapshot::updateLagMillis, -1L);
    }

    /** A gauge of the tenant's live snapshot, {@code none} before it has one. */
    private static <T> void bankGauge(MetricGroup group, String name, LiveBanks banks, String tenant,
            Function<BankSnapshot, T> value, T none) {
        group.gauge(name, (Gauge<T>) () -> {
            BankSnapshot snapshot = snapshot(banks, tenant);
            return snapshot == null ? none : value.apply(snapshot);
        });
    }

    private static BankSnapshot snapshot(LiveBanks banks, String tenant) {
        LiveBanks.Bank bank = banks.bank(tenant);
        return bank == null ? null : bank.snapshot();
    }

    /** The banks this slot applies records to (tests). */
    LiveBanks banks() {
        return banksLease.get();
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            if (banksLease != null) {
                banksLease.close();
                banksLease = null;
            }
        }
    }
}
