package dev.faqmatch.bench;

import dev.faqmatch.faq.BankHits;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.faq.GraphSearch;
import dev.faqmatch.faq.ScoredFaq;
import dev.faqmatch.faq.VectorApi;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bank-scale targets of issue 29 at 100,000 and 1,000,000 phrasings: exact search (float rows,
 * every row read, the micro-batch in one pass on every core) against the graph search FaqIndex
 * runs from {@link FaqIndex#GRAPH_MIN_ROWS} rows (int8 rows, Lucene's HNSW, one question at a time
 * on one thread), per question against the model's own cost in the same run.
 */
final class GraphSearchBench {
    static final int RECALL_K = 10;
    private static final double TARGET_RATIO_100K = 0.25;
    private static final double TARGET_RATIO_1M = 1.0;
    private static final double TARGET_RECALL = 0.99;
    private static final long TARGET_BYTES_1M = 1_000_000_000L;
    private static final double TARGET_EDIT_SECONDS = 2;

    /**
     * Heap bytes per vector element the comparison holds at its peak: the bank's float vectors and
     * the exact index's float rows (4 + 4), then the int8 rows and Lucene's graph beside the
     * vectors, with room for what is in flight: 1,000,000 phrasings at dim 512 need about 4.6 GB.
     */
    private static final int HEAP_BYTES_PER_ELEMENT = 9;

    private GraphSearchBench() {}

    /**
     * What to fix where the heap cannot hold the largest bank asked for, told before the first
     * phase rather than after minutes of building.
     */
    static Optional<String> heapShortfall(int[] phrasings, int dim, long maxHeap) {
        int largest = Arrays.stream(phrasings).max().orElse(0);
        long needed = (long) largest * dim * HEAP_BYTES_PER_ELEMENT;
        if (needed <= maxHeap) {
            return Optional.empty();
        }
        return Optional.of(String.format("--phrasings %d at dim %d needs a heap of about %.1f GB and this JVM has %.1f GB:"
                + " give it more (deploy/bench.sh --bank-scale runs with -Xmx8g; BENCH_JAVA_OPTS=-Xmx16g raises it)"
                + " or ask for fewer phrasings", largest, dim, needed / 1e9, maxHeap / 1e9));
    }

    static void run(int[] phrasings, int dim, int questionCount, double modelMicros, int candidateRows) {
        if (phrasings.length == 0) {
            return;
        }
        System.out.printf("%nGraph search: %s; clustered bank (%d phrasings per entry, %d entries per topic), %d questions,"
                + " top-%d, %d candidate rows%n", kernel(), ClusteredBank.PHRASINGS_PER_ENTRY, ClusteredBank.ENTRIES_PER_TOPIC,
                questionCount, RECALL_K, candidateRows);
        System.out.printf("%n| phrasings | search | MB | build s | us/question | / model | recall@%d | same first entry |%n"
                + "|---|---|---|---|---|---|---|---|%n", RECALL_K);
        for (int n : phrasings) {
            ClusteredBank bank = ClusteredBank.generate(n, dim, questionCount, n);
            int[] ks = new int[questionCount];
            Arrays.fill(ks, RECALL_K);
            Measured exact = measure(() -> FaqIndex.of(bank.entries(), bank.vectors(), dim, Integer.MAX_VALUE), bank, ks);
            print(n, "exact, float", exact, modelMicros, Double.NaN, Double.NaN);
            exact.index = null;
            Measured graph = measure(() -> FaqIndex.of(bank.entries(), bank.vectors(), dim, new GraphSearch(0, candidateRows)),
                    bank, ks);
            double recall = recall(exact.hits, graph.hits);
            print(n, "HNSW, int8", graph, modelMicros, recall, sameFirst(exact.hits, graph.hits));
            warnIfBoxed("the graph search", graph.search);
            double bytesPerRow = (double) graph.buildAllocated / n;
            if (bytesPerRow > FALLBACK_BYTES_PER_ROW) {
                System.out.printf("WARNING: building the graph allocated %.1f MB per phrasing (a sound build: 10-15 KB): the"
                        + " JIT ran the Vector API's Java code instead of its instructions (VectorInt8Kernel says when),"
                        + " and the build time above is not the kernel's%n", bytesPerRow / 1e6);
            }
            double ratio = graph.search.micros() / modelMicros;
            boolean million = n >= 1_000_000;
            double target = million ? TARGET_RATIO_1M : TARGET_RATIO_100K;
            verdict(String.format("%,d phrasings: search <= %.2fx the model", n, target), ratio <= target,
                    String.format("%.2fx", ratio));
            verdict(String.format("%,d phrasings: recall@%d >= %.2f", n, RECALL_K, TARGET_RECALL), recall >= TARGET_RECALL,
                    String.format("%.4f", recall));
            Edit edit = edit(graph.index, bank, ks);
            System.out.printf("An edit of one entry (%d new texts): %.0f ms to a searchable version (the model's"
                    + " embedding of the texts not included), found first by its new phrasing: %s; then %.0f us per"
                    + " question; the graph's rebuild when edits pile up: %.0f s beside the live version%n",
                    edit.texts, edit.seconds * 1e3, edit.visible, edit.search.micros(), graph.buildSeconds);
            warnIfBoxed("the edited version's search", edit.search);
            if (million) {
                verdict("1,000,000 phrasings: <= 1 GB", graph.bytes <= TARGET_BYTES_1M,
                        String.format("%.0f MB", graph.bytes / 1e6));
                verdict("1,000,000 phrasings: an edit visible within 2 s",
                        edit.visible && edit.seconds <= TARGET_EDIT_SECONDS, String.format("%.2f s", edit.seconds));
            }
        }
    }

    private static String kernel() {
        return VectorApi.available()
                ? "int8 dot products on the JDK's Vector API" : "int8 dot products in plain Java (no jdk.incubator.vector)";
    }

    /**
     * Bytes allocated per row while building a graph above which the Vector API ran its Java
     * fallback: a sound build allocates 10-15 KB per row (Lucene's neighbour lists), the fallback
     * ~14 MB (every widened vector a few arrays).
     */
    private static final double FALLBACK_BYTES_PER_ROW = 1e6;
    /**
     * Bytes allocated per question above which a graph search boxed the kernel's vectors
     * ({@link VectorApi}): a sound search allocates ~20 KB (Lucene's queues, the results), a boxed
     * one ~2.7 MB.
     */
    private static final double BOXED_BYTES_PER_QUESTION = 200e3;
    /**
     * Rounds of the questions a graph search runs before it is timed: the JIT recompiles Lucene's
     * walk for a while (a filtered walk after an edit anew), ~1 s at 1,000,000 phrasings.
     */
    private static final int WARM_UP_ROUNDS = 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static void warnIfBoxed(String search, SearchCost cost) {
        if (cost.allocated() > BOXED_BYTES_PER_QUESTION) {
            System.out.printf("WARNING: %s allocated %.0f KB per question (a sound one: ~20 KB): the JIT boxed the"
                    + " kernel's vectors (see VectorApi), and its time above is not the kernel's%n", search,
                    cost.allocated() / 1e3);
        }
    }

    private static final class Measured {
        FaqIndex index;
        double buildSeconds;
        /** Bytes the building thread allocated (graphs are built on it). */
        long buildAllocated;
        SearchCost search;
        long bytes;
        List<BankHits> hits;
    }

    private static Measured measure(java.util.function.Supplier<FaqIndex> build, ClusteredBank bank, int[] ks) {
        Measured m = new Measured();
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        m.index = build.get();
        m.buildSeconds = (System.nanoTime() - t0) / 1e9;
        m.buildAllocated = THREADS.getCurrentThreadAllocatedBytes() - allocated;
        m.bytes = m.index.matrixBytes();
        m.hits = m.index.search(bank.questions(), ks); // the first warm-up round
        boolean graph = m.index.approximate();
        m.search = searchCost(m.index, bank.questions(), ks, graph ? WARM_UP_ROUNDS - 1 : 0, graph ? 5 : 2);
        return m;
    }

    /** Per question: microseconds, and bytes the searching thread allocated (a graph search runs on the caller's). */
    private record SearchCost(double micros, double allocated) {}

    /** {@link SearchCost} over {@code reps} rounds of the questions, after {@code warmUp} untimed ones. */
    private static SearchCost searchCost(FaqIndex index, float[][] questions, int[] ks, int warmUp, int reps) {
        for (int r = 0; r < warmUp; r++) {
            index.search(questions, ks);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            index.search(questions, ks);
        }
        double n = (double) reps * questions.length;
        return new SearchCost((System.nanoTime() - t0) / 1e3 / n, (THREADS.getCurrentThreadAllocatedBytes() - allocated) / n);
    }

    private record Edit(int texts, double seconds, boolean visible, SearchCost search) {}

    /**
     * Edits the bank's first entry as a live update does ({@link FaqIndex#build(List, java.util.function.Function,
     * int, FaqIndex)} from the live version): every text new, its standard question at the first
     * question's vector; times it, checks that question now finds the entry by its new question,
     * and times the searches of the edited version.
     */
    private static Edit edit(FaqIndex live, ClusteredBank bank, int[] ks) {
        FaqEntry old = bank.entries().get(0);
        FaqEntry edited = new FaqEntry(old.id(), "edited " + old.question(), old.answer(), old.tags(),
                old.similar().stream().map(t -> "edited " + t).toList(), List.of(), old.kind());
        List<FaqEntry> after = new ArrayList<>(bank.entries());
        after.set(0, edited);
        Map<String, float[]> model = new HashMap<>();
        List<String> texts = edited.phrasings();
        for (int i = 0; i < texts.size(); i++) {
            model.put(texts.get(i), i == 0 ? bank.questions()[0] : bank.vectors().get(i));
        }
        long t0 = System.nanoTime();
        FaqIndex next = FaqIndex.build(after, batch -> batch.stream().map(model::get).toArray(float[][]::new), 64, live);
        double seconds = (System.nanoTime() - t0) / 1e9;
        ScoredFaq first = next.search(bank.questions()[0], 1).matches().get(0);
        boolean visible = first.entry().equals(edited) && first.matchedText().equals(edited.question());
        // A filtered graph search is new code to the JIT: a full warm-up again.
        return new Edit(texts.size(), seconds, visible, searchCost(next, bank.questions(), ks, WARM_UP_ROUNDS, 5));
    }

    /** The share of the exact top-k entries that the graph search also returns. */
    private static double recall(List<BankHits> exact, List<BankHits> found) {
        int hit = 0;
        int total = 0;
        for (int i = 0; i < exact.size(); i++) {
            Set<String> got = new HashSet<>();
            for (ScoredFaq f : found.get(i).matches()) {
                got.add(f.entry().id());
            }
            for (ScoredFaq f : exact.get(i).matches()) {
                total++;
                hit += got.contains(f.entry().id()) ? 1 : 0;
            }
        }
        return (double) hit / total;
    }

    /**
     * The share of questions whose first entry is the exact search's: the entry that the answer
     * route would answer with.
     */
    private static double sameFirst(List<BankHits> exact, List<BankHits> found) {
        int same = 0;
        for (int i = 0; i < exact.size(); i++) {
            String truth = exact.get(i).matches().get(0).entry().id();
            same += truth.equals(found.get(i).matches().get(0).entry().id()) ? 1 : 0;
        }
        return (double) same / exact.size();
    }

    private static void print(int n, String search, Measured m, double modelMicros, double recall, double sameFirst) {
        System.out.printf("| %,d | %s | %.0f | %.1f | %.0f | %.2f | %s | %s |%n", n, search, m.bytes / 1e6, m.buildSeconds,
                m.search.micros(), m.search.micros() / modelMicros, share(recall), share(sameFirst));
    }

    private static String share(double x) {
        return Double.isNaN(x) ? "(truth)" : String.format("%.4f", x);
    }

    private static void verdict(String target, boolean met, String measured) {
        System.out.printf("TARGET %s: %s (%s)%n", target, met ? "met" : "NOT MET", measured);
    }
}
