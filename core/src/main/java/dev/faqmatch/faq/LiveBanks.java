package dev.faqmatch.faq;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FAQ banks of all tenants, live: updates are applied to each tenant's authoritative entries
 * at once, and a background thread embeds new or changed questions (only those: an unchanged
 * entry keeps its row) and swaps in a new {@link BankSnapshot}. Questions read the snapshot with
 * one volatile read, so they never wait for an update nor see half of one.
 *
 * <p>Applying is idempotent per key: a record is applied only when it supersedes the one held
 * ({@link FaqUpdate#supersedes}), so the slots of a TaskManager that share these banks can all
 * hand it every record they receive, and the first one does the work. Thread-safe.
 */
public final class LiveBanks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveBanks.class);
    public static final String DEFAULT_TENANT = "default";
    private static final long RETRY_MILLIS = 1000;

    private final Function<List<String>, float[][]> embed;
    private final int dim;
    private final int batchSize;
    private final GraphSearch graphSearch;
    private final Map<String, Bank> banks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService updater;
    /**
     * Rebuilds large banks' graphs ({@link FaqIndex#compact()}): minutes at a million rows, so on a
     * thread of its own, while edits go on being applied by the updater.
     */
    private final ExecutorService compactor;
    private final Runnable onClose;

    /** One tenant's entries as applied, and its live snapshot. */
    public final class Bank {
        private final String tenant;
        /** Held by key, deletes included, so that an older record arriving later cannot bring an entry back. */
        private final Map<String, FaqUpdate> records = new LinkedHashMap<>();
        private final Map<Integer, Long> offsets = new TreeMap<>();
        private long newestTimestamp = -1;
        private boolean scheduled;
        /** Whether a compaction of this bank is running; read and written on the updater thread only. */
        private boolean compacting;
        /** Counts the records applied; a rebuild makes live what was applied when it began. */
        private long applied;
        private long live;
        /** Waiters for {@link #current()}: each completes when {@code live} reaches its count. */
        private final List<Waiter> waiters = new ArrayList<>();
        private volatile BankSnapshot snapshot;
        private final CompletableFuture<BankSnapshot> ready = new CompletableFuture<>();

        private Bank(String tenant) {
            this.tenant = tenant;
        }

        public String tenant() {
            return tenant;
        }

        /** The live snapshot, or null before the first one is built. */
        public BankSnapshot snapshot() {
            return snapshot;
        }

        /** Completes with the first snapshot. */
        public CompletableFuture<BankSnapshot> ready() {
            return ready;
        }

    }

    private record Waiter(long applied, CompletableFuture<Void> done) {}

    /** See {@link #gate}: open (completed) unless a slot is waiting for its banks to be embedded. */
    private volatile CompletableFuture<Void> startGate = CompletableFuture.completedFuture(null);
    /** See {@link #markTopicRead}. */
    private final CompletableFuture<Void> topicRead = new CompletableFuture<>();

    /**
     * @param embed embeds a batch of FAQ questions, one vector each (called on the updater thread)
     * @param onClose releases what {@code embed} holds
     */
    public LiveBanks(String name, Function<List<String>, float[][]> embed, int dim, int batchSize, Runnable onClose) {
        this(name, embed, dim, batchSize, onClose, GraphSearch.DEFAULT);
    }

    /** With large banks searched through a graph as {@code graphSearch} says. */
    public LiveBanks(String name, Function<List<String>, float[][]> embed, int dim, int batchSize, Runnable onClose,
            GraphSearch graphSearch) {
        this.graphSearch = graphSearch;
        this.embed = embed;
        this.dim = dim;
        this.batchSize = batchSize;
        this.onClose = onClose;
        this.updater = Executors.newSingleThreadScheduledExecutor(daemon(name));
        this.compactor = Executors.newSingleThreadExecutor(daemon(name + "-compaction"));
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Applies one record: an upsert, a delete or (position only) nothing.
     *
     * @return whether it changed the bank (false when this or a later record of its key was applied already)
     */
    public boolean apply(FaqUpdate update) {
        if (update.isPositionOnly()) {
            return false;
        }
        Bank bank = banks.computeIfAbsent(update.tenant(), Bank::new);
        synchronized (bank) {
            if (!put(bank, update)) {
                return false;
            }
            schedule(bank, 0);
        }
        return true;
    }

    /** Applies many records (the faq.bank file, or a restored state) with one rebuild per tenant. */
    public void applyAll(Iterable<FaqUpdate> updates) {
        Set<Bank> changed = new java.util.HashSet<>();
        for (FaqUpdate u : updates) {
            if (u.isPositionOnly()) {
                continue;
            }
            Bank bank = banks.computeIfAbsent(u.tenant(), Bank::new);
            synchronized (bank) {
                if (put(bank, u)) {
                    changed.add(bank);
                }
            }
        }
        for (Bank bank : changed) {
            synchronized (bank) {
                schedule(bank, 0);
            }
        }
    }

    private static boolean put(Bank bank, FaqUpdate update) {
        if (!update.supersedes(bank.records.get(update.id()))) {
            return false;
        }
        bank.records.put(update.id(), update);
        bank.applied++;
        if (update.partition() != FaqUpdate.SEED_PARTITION) {
            bank.offsets.merge(update.partition(), update.offset(), Math::max);
            bank.newestTimestamp = Math.max(bank.newestTimestamp, update.timestamp());
        }
        return true;
    }

    private void schedule(Bank bank, long delayMillis) {
        if (!bank.scheduled) {
            bank.scheduled = true;
            updater.schedule(() -> rebuild(bank), delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void rebuild(Bank bank) {
        List<FaqEntry> entries = new ArrayList<>();
        String version;
        long newest;
        long applied;
        synchronized (bank) {
            bank.scheduled = false;
            applied = bank.applied;
            for (FaqUpdate u : bank.records.values()) {
                if (!u.isDelete()) {
                    entries.add(u.entry());
                }
            }
            version = version(bank.offsets);
            newest = bank.newestTimestamp;
        }
        try {
            BankSnapshot previous = bank.snapshot;
            FaqIndex index = index(entries, previous == null ? null : previous.index());
            long now = System.currentTimeMillis();
            BankSnapshot next = new BankSnapshot(bank.tenant, index, version, now, newest < 0 ? -1 : now - newest);
            bank.snapshot = next;
            bank.ready.complete(next);
            List<Waiter> done = new ArrayList<>();
            synchronized (bank) {
                bank.live = applied;
                bank.waiters.removeIf(w -> w.applied() <= applied && done.add(w));
            }
            done.forEach(w -> w.done().complete(null));
            LOG.info("FAQ bank '{}' is now version {}: {}", bank.tenant, version, describe(index));
            compactIfDue(bank, index);
        } catch (CancellationException e) {
            return; // closing
        } catch (RuntimeException e) {
            // The model failed (not the data: FAQ texts were validated); the live bank stays as it
            // was, and the update is tried again.
            LOG.error("Could not embed FAQ bank '{}' version {}; keeping the live version, retrying in {} ms",
                    bank.tenant, version, RETRY_MILLIS, e);
            synchronized (bank) {
                schedule(bank, RETRY_MILLIS);
            }
        }
    }

    /**
     * Starts rebuilding a large bank's graph when edits since it was built slow its searches (see
     * {@link FaqIndex#compactionDue()}); the live version keeps answering, and edits keep being
     * applied, meanwhile. On the updater thread.
     */
    private void compactIfDue(Bank bank, FaqIndex index) {
        if (!index.compactionDue() || bank.compacting) {
            return;
        }
        bank.compacting = true;
        LOG.info("FAQ bank '{}': {} rows outside its graph and {} of its rows hidden since edits; rebuilding the graph"
                + " beside the live version", bank.tenant, index.rowsOutsideGraph(), index.hiddenGraphRows());
        try {
            compactor.execute(() -> compact(bank, index));
        } catch (RejectedExecutionException e) {
            bank.compacting = false; // closing
        }
    }

    /** On the compactor's thread: the compaction, handed to the updater to be made live. */
    private void compact(Bank bank, FaqIndex index) {
        long start = System.nanoTime();
        try {
            FaqIndex compacted = index.compact();
            long millis = (System.nanoTime() - start) / 1_000_000;
            onUpdater(() -> adopt(bank, compacted, millis));
        } catch (CancellationException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("Could not rebuild the graph of FAQ bank '{}'; its live version keeps answering", bank.tenant, e);
            onUpdater(() -> bank.compacting = false);
        }
    }

    private void onUpdater(Runnable task) {
        try {
            updater.execute(task);
        } catch (RejectedExecutionException e) {
            // closed meanwhile: nothing to update
        }
    }

    /** Makes live the version live now, over a compaction of an earlier version. On the updater thread. */
    private void adopt(Bank bank, FaqIndex compacted, long buildMillis) {
        bank.compacting = false;
        BankSnapshot live = bank.snapshot;
        if (!live.index().approximate()) {
            return; // rebuilt wholly since (the bank shrank): nothing to carry over
        }
        FaqIndex next = live.index().rebase(compacted);
        bank.snapshot = new BankSnapshot(bank.tenant, next, live.version(), live.builtAtMillis(), live.updateLagMillis());
        LOG.info("FAQ bank '{}' version {} has a new graph, built in {} s: {}", bank.tenant, live.version(),
                buildMillis / 1000, describe(next));
        compactIfDue(bank, next);
    }

    /** An index of {@code entries}, taking the vectors of texts that {@code previous} holds: only new or edited phrasings are embedded. */
    private FaqIndex index(List<FaqEntry> entries, FaqIndex previous) {
        return entries.isEmpty() ? FaqIndex.empty(dim) : FaqIndex.build(entries, embed, batchSize, previous, graphSearch);
    }

    static String version(Map<Integer, Long> offsets) {
        if (offsets.isEmpty()) {
            return BankSnapshot.SEED_VERSION;
        }
        StringBuilder s = new StringBuilder();
        offsets.forEach((p, o) -> s.append(s.length() == 0 ? "" : ",").append(p).append(':').append(o));
        return s.toString();
    }

    /** The tenant's bank, or null when no record of it was applied. */
    public Bank bank(String tenant) {
        return banks.get(tenant);
    }

    public Set<String> tenants() {
        return Set.copyOf(banks.keySet());
    }

    /**
     * Completes when every record applied so far is in the live snapshots: the banks as they are
     * now, embedded. Never blocks; a bank whose embedding keeps failing never completes it.
     */
    public CompletableFuture<Void> current() {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (Bank bank : banks.values()) {
            synchronized (bank) {
                if (bank.live < bank.applied || bank.snapshot == null) {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    bank.waiters.add(new Waiter(bank.applied, done));
                    pending.add(done);
                }
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    /**
     * Questions are answered only once {@code gate} completes: at a job's start, when the FAQ
     * topic has been read to its end, the records read must be embedded ({@link #current()}) so
     * that the first questions are not answered by a bank still arriving. Each slot closes the gate
     * when it has read the topic; questions wait for every gate closed while one was open.
     */
    public synchronized void gate(CompletableFuture<Void> gate) {
        startGate = startGate.isDone() ? gate : CompletableFuture.allOf(startGate, gate);
    }

    /**
     * Says that the FAQ topic has been read as far as a starting job must read it (or that the
     * wait for it timed out): the questions held for it go on ({@link #topicRead()}), and are
     * answered once what was read is embedded ({@link #gate}, {@link #current()}).
     */
    public synchronized void markTopicRead() {
        if (!topicRead.isDone()) {
            gate(current());
            topicRead.complete(null);
        }
    }

    /** Completes at {@link #markTopicRead()}: questions of a starting job wait for it. */
    public CompletableFuture<Void> topicRead() {
        return topicRead;
    }

    /** Holds questions until the start is over; see {@link #gate}. */
    public CompletableFuture<Void> startGate() {
        return startGate;
    }

    /** A line for the logs: each tenant's size and memory. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(banks).forEach((tenant, bank) -> {
            BankSnapshot snap = bank.snapshot;
            s.append(s.length() == 0 ? "" : "; ").append(tenant).append(": ");
            if (snap == null) {
                s.append("being embedded");
            } else {
                s.append(describe(snap.index())).append(", version ").append(snap.version());
            }
        });
        return s.length() == 0 ? "none" : s.toString();
    }

    /** Entries, phrasings and memory of a bank, as the logs say it. */
    public static String describe(FaqIndex index) {
        long outOfScope = index.entries().stream().filter(FaqEntry::outOfScope).count();
        String search = !index.approximate() ? "" : String.format(", HNSW graph (%d candidate rows per question, %d rows"
                + " outside it, %d hidden)", index.graphSearch().candidateRows(), index.rowsOutsideGraph(),
                index.hiddenGraphRows());
        return String.format("%d entries (%d out of scope), %d phrasings, %d counter-examples, %.1f MB%s", index.size(),
                outOfScope, index.phrasings(), index.rows() - index.phrasings(), index.matrixBytes() / 1e6, search);
    }

    public int dim() {
        return dim;
    }

    @Override
    public void close() {
        compactor.shutdownNow();
        updater.shutdownNow();
        onClose.run();
    }
}
