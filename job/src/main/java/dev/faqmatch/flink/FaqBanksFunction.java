package dev.faqmatch.flink;

import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.event.DeadLetter;
import dev.faqmatch.event.DeadLetters;
import dev.faqmatch.event.InvalidQuestionException;
import dev.faqmatch.event.Question;
import dev.faqmatch.event.RawRecord;
import dev.faqmatch.faq.BankSnapshot;
import dev.faqmatch.faq.FaqRecords;
import dev.faqmatch.faq.FaqUpdate;
import dev.faqmatch.faq.LiveBanks;
import dev.faqmatch.inference.DeviceChoice;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.inference.RefCountedCache;
import dev.faqmatch.match.TenantRouting;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the FAQ banks of every tenant in broadcast state (the same in every subtask, checkpointed,
 * restored and rescaled by Flink) and applies each FAQ record to the TaskManager's shared
 * {@link LiveBanks}, which the embed-and-match operator chained after this one reads. Questions
 * are parsed here (a bad one, or one whose tenant has no bank, becomes a dead letter with its raw
 * payload) and passed on.
 *
 * <p>At a job's first start the FAQ topic is read from its beginning while questions already
 * arrive: they are held (in operator state across checkpoints) until the topic has been read to
 * the end it had when this subtask opened, so that the first questions of a tenant do not find
 * its bank missing. A restored job has its banks from the state at once and holds questions only
 * until the records published since its checkpoint are read.
 */
public class FaqBanksFunction extends BroadcastProcessFunction<RawRecord, FaqUpdate, Question>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FaqBanksFunction.class);

    /** {@code tenant/id} -> the record last applied to it (deletes included), as JSON. */
    public static final MapStateDescriptor<String, String> ENTRIES =
            new MapStateDescriptor<>("faq-entries", Types.STRING, Types.STRING);
    /** FAQ topic partition -> offset of the last record read from it, valid or not. */
    public static final MapStateDescriptor<Integer, Long> POSITIONS =
            new MapStateDescriptor<>("faq-positions", Types.INT, Types.LONG);

    /**
     * What the operator needs from the configuration.
     *
     * @param kafka to learn, at start, where the FAQ topic ends
     */
    public record Options(String modelDir, String modelName, DeviceChoice device, String faqBank, String faqsTopic,
            Duration bootstrapTimeout, TenantRouting routing, int maxTextBytes, int deadLetterMaxPayloadBytes,
            KafkaAccess kafka) implements Serializable {
        private static final long serialVersionUID = 1L;

        public static Options from(MatcherConfig config) {
            return new Options(config.get(MatcherConfig.MODEL_DIR), config.get(MatcherConfig.MODEL_NAME),
                    config.get(MatcherConfig.DEVICE), config.get(MatcherConfig.FAQ_BANK),
                    config.get(MatcherConfig.FAQS_TOPIC), config.get(MatcherConfig.FAQ_BOOTSTRAP_TIMEOUT),
                    config.routing(), config.get(MatcherConfig.MAX_TEXT_BYTES),
                    config.get(MatcherConfig.DEAD_LETTER_MAX_PAYLOAD_BYTES), KafkaAccess.from(config));
        }
    }

    private final Options config;
    private transient ListState<RawRecord> heldState;
    private transient List<RawRecord> held;
    private transient List<FaqUpdate> restored;
    private transient Map<Integer, Long> restoredPositions;
    private transient Set<String> tenants;
    private transient Map<Integer, Long> mustRead;
    private transient long holdUntilNanos;
    private transient boolean caughtUp;
    private transient RefCountedCache<SharedBanks.Key, LiveBanks>.Lease banksLease;
    private transient Counter deadLetters;
    private transient Counter updatesApplied;
    private transient MetricGroup metrics;
    private transient Set<String> tenantMetrics;

    public FaqBanksFunction(Options options) {
        this.config = options;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        heldState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("held-questions", TypeInformation.of(RawRecord.class)));
        held = new ArrayList<>();
        heldState.get().forEach(held::add);
        // Broadcast state is the same in every subtask; reading it here (before open) lets open()
        // seed the TaskManager's banks before the first record arrives.
        restored = new ArrayList<>();
        restoredPositions = new HashMap<>();
        for (Map.Entry<String, String> e : context.getOperatorStateStore().getBroadcastState(ENTRIES).entries()) {
            restored.add(FaqRecords.fromState(e.getValue()));
        }
        for (Map.Entry<Integer, Long> e : context.getOperatorStateStore().getBroadcastState(POSITIONS).entries()) {
            restoredPositions.put(e.getKey(), e.getValue());
        }
    }

    @Override
    public void open(OpenContext context) throws Exception {
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        ModelSource model = ModelSource.resolve(config.modelDir(), config.modelName());
        banksLease = SharedBanks.acquire(getRuntimeContext().getJobInfo().getJobId().toString(), model,
                SharedBanks.updaterDevice(config.device()), config.faqBank(), config.bootstrapTimeout().toMillis());
        LiveBanks banks = banksLease.get();
        banks.applyAll(restored);
        tenants = new HashSet<>(banks.tenants());
        for (FaqUpdate u : restored) {
            tenants.add(u.tenant());
        }
        metrics = getRuntimeContext().getMetricGroup().addGroup(EmbedAndMatchFunction.METRIC_GROUP);
        deadLetters = metrics.counter("deadLetters");
        updatesApplied = metrics.counter("faqUpdates");
        tenantMetrics = new HashSet<>();
        tenants.forEach(this::registerTenantMetrics);
        mustRead = FaqTopicEnd.lastOffsets(config.kafka(), config.faqsTopic());
        holdUntilNanos = System.nanoTime() + config.bootstrapTimeout().toNanos();
        caughtUp = caughtUp(restoredPositions);
        try {
            banks.awaitReady(config.bootstrapTimeout().toMillis());
        } catch (TimeoutException e) {
            // A large restored bank takes a while to embed again; failing here would only start over.
            LOG.warn("FAQ banks not all embedded within {} (setting 'faq.bootstrap-timeout'); their questions wait: {}",
                    config.bootstrapTimeout(), banks.describe());
        }
        LOG.info("faq-banks {}/{}: {} FAQ records restored; FAQ topic '{}' to read up to {}{}; banks: {}", subtask + 1,
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(), restored.size(), config.faqsTopic(),
                mustRead.isEmpty() ? "(empty)" : mustRead, caughtUp ? " (read already)" : ", questions held until then",
                banks.describe());
        restored = null;
        restoredPositions = null;
    }

    private boolean caughtUp(Map<Integer, Long> positions) {
        for (Map.Entry<Integer, Long> end : mustRead.entrySet()) {
            if (positions.getOrDefault(end.getKey(), -1L) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void processElement(RawRecord record, ReadOnlyContext ctx, Collector<Question> out) throws Exception {
        if (!caughtUp && System.nanoTime() < holdUntilNanos) {
            held.add(record);
            return;
        }
        releaseHeld(d -> ctx.output(ParseQuestions.DEAD_LETTERS, d), out);
        route(record, d -> ctx.output(ParseQuestions.DEAD_LETTERS, d), out);
    }

    @Override
    public void processBroadcastElement(FaqUpdate update, Context ctx, Collector<Question> out) throws Exception {
        BroadcastState<Integer, Long> positions = ctx.getBroadcastState(POSITIONS);
        Long previous = positions.get(update.partition());
        if (previous == null || update.offset() > previous) {
            positions.put(update.partition(), update.offset());
        }
        if (!update.isPositionOnly()) {
            BroadcastState<String, String> entries = ctx.getBroadcastState(ENTRIES);
            String held = entries.get(update.key());
            if (held == null || update.supersedes(FaqRecords.fromState(held))) {
                entries.put(update.key(), FaqRecords.toState(update));
            }
            tenants.add(update.tenant());
            registerTenantMetrics(update.tenant());
            if (banksLease.get().apply(update)) {
                updatesApplied.inc();
            }
        }
        if (!caughtUp) {
            Map<Integer, Long> now = new HashMap<>();
            for (Map.Entry<Integer, Long> e : positions.entries()) {
                now.put(e.getKey(), e.getValue());
            }
            if (caughtUp(now)) {
                caughtUp = true;
                // The first questions are answered by the whole bank as the topic had it, not by
                // a snapshot that an updater thread began before the last records arrived.
                try {
                    banksLease.get().awaitCurrent(config.bootstrapTimeout().toMillis());
                } catch (TimeoutException e) {
                    LOG.warn("FAQ banks not current within {} (setting 'faq.bootstrap-timeout'); releasing the held"
                            + " questions anyway", config.bootstrapTimeout());
                }
                LOG.info("FAQ topic '{}' read to {}; {} questions held are released; banks: {}", config.faqsTopic(), now,
                        held.size(), banksLease.get().describe());
                releaseHeld(d -> ctx.output(ParseQuestions.DEAD_LETTERS, d), out);
            }
        }
    }

    private void releaseHeld(Consumer<DeadLetter> deadLetterOut,
            Collector<Question> out) throws Exception {
        if (held.isEmpty()) {
            return;
        }
        if (!caughtUp) {
            LOG.warn("FAQ topic '{}' not read to {} within {} (setting 'faq.bootstrap-timeout'); answering {} held"
                    + " questions with the banks as they are: {}", config.faqsTopic(), mustRead, config.bootstrapTimeout(),
                    held.size(), banksLease.get().describe());
            caughtUp = true;
        }
        List<RawRecord> release = held;
        held = new ArrayList<>();
        for (RawRecord r : release) {
            route(r, deadLetterOut, out);
        }
    }

    /** Passes the question on when its tenant has a bank (or a fallback), else makes it a dead letter. */
    private void route(RawRecord record, Consumer<DeadLetter> deadLetterOut, Collector<Question> out)
            throws Exception {
        Question q = ParseQuestions.parse(record, config.maxTextBytes(), config.deadLetterMaxPayloadBytes(), d -> {
            deadLetters.inc();
            deadLetterOut.accept(d);
        });
        if (q == null) {
            return;
        }
        String tenant = q.tenant() == null ? LiveBanks.DEFAULT_TENANT : q.tenant();
        String bank = tenants.contains(tenant) ? tenant
                : config.routing().hasFallback() && tenants.contains(config.routing().fallbackTenant()) ? config.routing().fallbackTenant()
                : null;
        if (bank == null) {
            deadLetters.inc();
            deadLetterOut.accept(unknownTenant(record, tenant));
            return;
        }
        awaitFirstSnapshot(bank);
        out.collect(q);
    }

    /**
     * A tenant's first bank is embedded in the background; its first questions wait for it here,
     * so that the embed-and-match operator's timeout only counts the model's time.
     */
    private void awaitFirstSnapshot(String tenant) throws Exception {
        LiveBanks.Bank bank = banksLease.get().bank(tenant);
        if (bank != null && bank.snapshot() == null) {
            long start = System.nanoTime();
            try {
                bank.ready().get(config.bootstrapTimeout().toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Questions of tenant '{}' waited {} ms for its first FAQ bank", tenant,
                        (System.nanoTime() - start) / 1_000_000);
            } catch (TimeoutException e) {
                LOG.warn("FAQ bank of tenant '{}' not embedded within {}; its questions wait in embed-and-match",
                        tenant, config.bootstrapTimeout());
            }
        }
    }

    private DeadLetter unknownTenant(RawRecord record, String tenant) {
        String fallback = !config.routing().hasFallback() ? "" : " nor for the fallback '" + config.routing().fallbackTenant() + "'";
        return DeadLetters.of(record, new InvalidQuestionException(InvalidQuestionException.Reason.UNKNOWN_TENANT,
                        "no FAQ bank for tenant '" + tenant + "'" + fallback + " (setting 'match.fallback-tenant';"
                                + " publish the tenant's bank to topic '" + config.faqsTopic() + "')"),
                System.currentTimeMillis(), config.deadLetterMaxPayloadBytes());
    }

    private void registerTenantMetrics(String tenant) {
        if (!tenantMetrics.add(tenant)) {
            return;
        }
        LiveBanks banks = banksLease.get();
        MetricGroup group = metrics.addGroup("tenant", tenant);
        group.gauge("bankEntries", () -> snapshot(banks, tenant) == null ? 0 : snapshot(banks, tenant).index().size());
        group.gauge("bankPhrasings", () -> snapshot(banks, tenant) == null ? 0
                : snapshot(banks, tenant).index().phrasings());
        group.gauge("bankBytes", () -> snapshot(banks, tenant) == null ? 0L
                : snapshot(banks, tenant).index().matrixBytes());
        group.gauge("bankVersion", () -> snapshot(banks, tenant) == null ? "" : snapshot(banks, tenant).version());
        group.gauge("bankUpdateLagMs", () -> snapshot(banks, tenant) == null ? -1L
                : snapshot(banks, tenant).updateLagMillis());
    }

    private static BankSnapshot snapshot(LiveBanks banks, String tenant) {
        LiveBanks.Bank bank = banks.bank(tenant);
        return bank == null ? null : bank.snapshot();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        heldState.update(held);
    }

    @Override
    public void close() throws Exception {
        if (banksLease != null) {
            banksLease.close();
            banksLease = null;
        }
    }
}
