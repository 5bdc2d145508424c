package dev.faqmatch.bench;

import dev.faqmatch.cli.Cli;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.faq.GraphSearch;
import dev.faqmatch.inference.Device;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.testkit.QuestionFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deploy/bench.sh --bank-scale} (its {@code --help} says what it measures). The bank's
 * vectors are random: the search does the same work whatever the vectors hold, and embedding
 * 100,000 real entries would take most of an hour on 2 cores. Then, for each of
 * {@code --phrasings}, exact search against the graph search that FaqIndex runs for large banks,
 * on clustered vectors ({@link ClusteredBank}: recall needs neighbours that mean something), with
 * each target of issue 29 met or not.
 */
public final class BankScaleBench {
    private BankScaleBench() {}

    @Command(name = "deploy/bench.sh --bank-scale", sortOptions = false,
            description = {"What an FAQ bank of 1,000 to 100,000 entries costs a question (top-k, one query at a"
                    + " time and a micro-batch's queries in one pass) and the memory it takes, against the model's"
                    + " own cost per question. The bank's vectors are random unit vectors of the model's dimension.",
                ""})
    static final class Options implements Cli.Checked {
        // deploy/bench.sh runs this benchmark rather than the throughput one when it sees this
        // option, and passes it on with the rest.
        @Option(names = "--bank-scale", description = "This benchmark rather than the throughput benchmark.")
        boolean selected;

        @Option(names = "--sizes", paramLabel = "N", split = ",", description = "Bank sizes in entries (default: 1000,10000,100000).")
        List<Integer> sizes = List.of(1_000, 10_000, 100_000);

        @Option(names = "--batch", paramLabel = "N", description = "Queries per micro-batch (default: ${DEFAULT-VALUE}).")
        int batch = 64;

        @Option(names = "--top-k", paramLabel = "K", description = "Entries each query asks for (default: ${DEFAULT-VALUE}).")
        int k = 3;

        @Option(names = "--phrasings", paramLabel = "N", split = ",",
                description = "Bank sizes in phrasings of the exact vs graph comparison, 0 for none (default: 100000,1000000;"
                        + " 1,000,000 needs a heap of about 4.6 GB: deploy/bench.sh gives it 8).")
        List<Integer> phrasings = List.of(100_000, 1_000_000);

        @Option(names = "--graph-candidate-rows", paramLabel = "N",
                description = "The job's faq.graph-candidate-rows for the graph search (default: ${DEFAULT-VALUE}).")
        int graphCandidateRows = GraphSearch.DEFAULT_CANDIDATE_ROWS;

        @Override
        public void check() {
            sizes.forEach(n -> Cli.requirePositive("--sizes", n));
            Cli.requirePositive("--batch", batch);
            Cli.requirePositive("--top-k", k);
            if (graphCandidateRows < GraphSearch.MIN_CANDIDATE_ROWS) {
                throw new IllegalArgumentException("--graph-candidate-rows must be >= " + GraphSearch.MIN_CANDIDATE_ROWS
                        + ", got " + graphCandidateRows);
            }
            phrasings.forEach(n -> {
                if (n < 0) {
                    throw new IllegalArgumentException("--phrasings needs sizes of 0 or more, got '" + n + "'");
                }
            });
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Cli.parseOrExit(new Options(), args);
        run(o.sizes, o.batch, o.k, o.phrasings.stream().filter(n -> n > 0).mapToInt(Integer::intValue).toArray(),
                o.graphCandidateRows);
    }

    private static void run(List<Integer> sizes, int batch, int k, int[] phrasings, int graphCandidateRows)
            throws Exception {
        List<String> texts = new ArrayList<>();
        for (QuestionFile.Entry e : QuestionFile.read(QuestionFile.SAMPLE)) {
            texts.add(e.text());
        }
        texts = texts.subList(0, Math.min(texts.size(), batch));
        int dim;
        String model;
        double modelMicros;
        float[][] queries;
        try (Embedder embedder = Embedder.open(ModelSource.bundledDefault(), Device.CPU, 1)) {
            dim = embedder.spec().dim();
            model = embedder.spec().name();
            embedder.embedTexts(texts); // warm-up
            long start = System.nanoTime();
            int reps = 3;
            float[][] last = null;
            for (int r = 0; r < reps; r++) {
                last = embedder.embedTexts(texts);
            }
            modelMicros = (System.nanoTime() - start) / 1e3 / (reps * texts.size());
            queries = last;
        }
        System.out.printf("Model %s (dim %d), 1 intra-op thread, batches of %d: %.0f us per question%n",
                model, dim, texts.size(), modelMicros);
        Optional<String> shortfall = GraphSearchBench.heapShortfall(phrasings, dim, Runtime.getRuntime().maxMemory());
        if (shortfall.isPresent()) {
            System.err.println("bench.sh: " + shortfall.get());
            System.exit(Cli.USAGE_ERROR);
        }
        System.out.printf("%n| bank entries | matrix MB | rebuild ms | top-%d us/question, one at a time |"
                + " top-%d us/question, batch of %d | batch / model |%n|---|---|---|---|---|---|%n", k, k, texts.size());
        int[] ks = new int[queries.length];
        java.util.Arrays.fill(ks, k);
        for (int n : sizes) {
            Random random = new Random(n);
            List<FaqEntry> entries = new ArrayList<>(n);
            List<float[]> vectors = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                entries.add(new FaqEntry("f-" + i, "问题" + i, "答案" + i, List.of()));
                float[] v = new float[dim];
                for (int d = 0; d < dim; d++) {
                    v[d] = (float) random.nextGaussian();
                }
                vectors.add(v);
            }
            long t0 = System.nanoTime();
            // This table is the exact search's cost: no graph, whatever the size.
            FaqIndex index = FaqIndex.of(entries, vectors, dim, Integer.MAX_VALUE);
            double rebuildMs = (System.nanoTime() - t0) / 1e6; // the copy and normalization a live update's swap pays
            vectors = null;
            // warm-up, then measure
            for (int r = 0; r < 3; r++) {
                index.search(queries, ks);
                index.topK(queries[r], k);
            }
            int reps = Math.max(3, 2_000_000 / n);
            long s1 = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                for (float[] q : queries) {
                    index.topK(q, k);
                }
            }
            double single = (System.nanoTime() - s1) / 1e3 / ((double) reps * queries.length);
            long s2 = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                index.search(queries, ks);
            }
            double batched = (System.nanoTime() - s2) / 1e3 / ((double) reps * queries.length);
            System.out.printf("| %,d | %.1f | %.0f | %.0f | %.0f | %.2f |%n", n, index.matrixBytes() / 1e6, rebuildMs, single, batched, batched / modelMicros);
            entries = null;
            index = null;
        }
        GraphSearchBench.run(phrasings, dim, queries.length, modelMicros, graphCandidateRows);
    }
}
