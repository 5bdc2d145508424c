package dev.faqmatch.bench;

import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.inference.Device;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.testkit.QuestionFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code deploy/bench.sh --bank-scale}: what an FAQ bank of 1,000, 10,000 and 100,000 entries
 * costs a question (top-k, one query at a time and a micro-batch's queries in one pass) and the
 * memory it takes, against the model's own cost per question. The bank's vectors are random unit
 * vectors of the model's dimension: the search does the same work whatever the vectors hold, and
 * embedding 100,000 real entries would take most of an hour on 2 cores.
 *
 * <p>Then, for each of {@code --phrasings} (100,000 and 1,000,000 rows by default), exact search
 * against the graph search that FaqIndex runs for large banks, on clustered vectors ({@link
 * ClusteredBank}: recall needs neighbours that mean something), with each target of issue 29
 * met or not. Pass {@code --phrasings none} to skip it.
 *
 * <p>Options: {@code --sizes 1000,10000,100000}, {@code --batch 64} (queries per micro-batch),
 * {@code --top-k 3}, {@code --phrasings 100000,1000000}.
 */
public final class BankScaleBench {
    private BankScaleBench() {}

    public static void main(String[] args) throws Exception {
        int[] sizes = {1_000, 10_000, 100_000};
        int batch = 64;
        int k = 3;
        int[] phrasings = {100_000, 1_000_000};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bank-scale" -> { }
                case "--sizes" -> sizes = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--top-k" -> k = Integer.parseInt(args[++i]);
                case "--phrasings" -> {
                    String list = args[++i];
                    phrasings = list.equals("none") ? new int[0]
                            : java.util.Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<String> texts = new ArrayList<>();
        for (QuestionFile.Entry e : QuestionFile.read(QuestionFile.SAMPLE)) {
            texts.add(e.text());
        }
        texts = texts.subList(0, Math.min(texts.size(), batch));
        int dim;
        double modelMicros;
        float[][] queries;
        try (Embedder embedder = Embedder.open(ModelSource.bundledDefault(), Device.CPU, 1)) {
            dim = embedder.spec().dim();
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
        System.out.printf("Model bge-small-zh-v1.5 (dim %d), 1 intra-op thread, batches of %d: %.0f us per question%n",
                dim, texts.size(), modelMicros);
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
            FaqIndex index = FaqIndex.of(entries, vectors, dim);
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
        GraphSearchBench.run(phrasings, dim, queries.length, modelMicros);
    }
}
