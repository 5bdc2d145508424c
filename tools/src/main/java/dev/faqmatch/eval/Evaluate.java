package dev.faqmatch.eval;

import dev.faqmatch.cli.Cli;
import dev.faqmatch.inference.Device;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.ModelException;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.inference.ModelSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Scores a model on sentence-pair files the way C-MTEB does (Spearman of the cosine similarity
 * against the label, x100), through the job's own inference code, so that the figures can be set
 * against the published ones: a tokenizer, pooling or padding mistake shows up as lost points.
 * With {@code --retrieval}, files with 0/1 labels are also searched as an FAQ bank through the
 * job's FAQ index ({@link RetrievalEval}). Run it with {@code deploy/eval.sh}.
 */
public final class Evaluate {
    /** Figures of one file; correlations x100, {@code retrieval} null when not asked for or not applicable. */
    record FileResult(Path file, int pairs, int texts, double seconds, double cosineSpearman, double cosinePearson,
            double dotSpearman, double euclideanSpearman, double manhattanSpearman, RetrievalEval.Result retrieval,
            double retrievalSeconds) {}

    private Evaluate() {}

    public static void main(String[] args) throws IOException {
        EvalOptions options = Cli.parseOrExit(new EvalOptions(), args);
        try {
            run(options, System.out);
        } catch (PairFileException | ModelException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    static List<FileResult> run(EvalOptions options, PrintStream out) throws IOException {
        // A typo in the last path should not cost a model load and the earlier files first.
        for (Path file : options.files()) {
            if (!Files.isRegularFile(file)) {
                throw new PairFileException("pair file " + file + " does not exist or is not a file"
                        + (EvalOptions.PUBLIC_TEST_SETS.contains(file)
                                ? " (no FILE given: the public test sets are read; see ../shared/data/README.md)" : ""));
            }
        }
        ModelSource model = options.model().source();
        List<Embedder> embedders = new ArrayList<>();
        try {
            for (int s = 0; s < options.sessions(); s++) {
                embedders.add(Embedder.open(model, Device.CPU, options.threadsOfSession(s)));
            }
            List<Function<List<String>, float[][]>> workers = new ArrayList<>();
            for (Embedder e : embedders) {
                workers.add(e::embedTexts);
            }
            ParallelEmbedder parallel = new ParallelEmbedder(workers, options.batch());
            ModelSpec spec = model.spec();
            out.printf(Locale.ROOT, "Model %s (%s): pooling %s, max_seq_len %d, dim %d, normalize %s, lowercase %s%n",
                    spec.name(), model.id(), spec.pooling().id(), spec.maxSeqLen(), spec.dim(), spec.normalize(),
                    spec.lowercase());
            out.printf(Locale.ROOT, "CPU: %d session(s), %d core(s) in all; batches of %d texts sorted by length%s%n%n",
                    options.sessions(), options.threads(), options.batch(),
                    options.limit() == Integer.MAX_VALUE ? "" : "; first " + options.limit() + " pairs of each file");

            List<FileResult> results = new ArrayList<>();
            for (Path file : options.files()) {
                FileResult r = evaluate(file, options, parallel);
                results.add(r);
                out.printf(Locale.ROOT, "%s: %d pairs, %d distinct texts in %.1f s (%.0f texts/s), cosine Spearman %.2f%n",
                        EvalReport.label(file), r.pairs(), r.texts(), r.seconds(), r.texts() / r.seconds(), r.cosineSpearman());
            }
            out.println();
            EvalReport.printTables(results, out);
            if (options.json() != null) {
                EvalReport.writeJson(options, model, results);
                out.println();
                out.println("JSON written to " + options.json());
            }
            if (options.misses() != null) {
                EvalReport.writeMisses(options.misses(), results);
                out.println();
                out.println("Retrieval misses written to " + options.misses());
            }
            return results;
        } finally {
            for (Embedder e : embedders) {
                e.close();
            }
        }
    }

    static FileResult evaluate(Path file, EvalOptions options, ParallelEmbedder embedder) {
        List<PairFile.Pair> pairs = PairFile.read(file, options.limit());
        List<String> texts = new ArrayList<>(pairs.size() * 2);
        for (PairFile.Pair p : pairs) {
            texts.add(p.text1());
            texts.add(p.text2());
        }
        long start = System.nanoTime();
        Map<String, float[]> vectors = embedder.embedDistinct(texts);
        double seconds = (System.nanoTime() - start) / 1e9;

        int n = pairs.size();
        float[][] first = new float[n][];
        float[][] second = new float[n][];
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) {
            first[i] = vectors.get(pairs.get(i).text1());
            second[i] = vectors.get(pairs.get(i).text2());
            labels[i] = pairs.get(i).label();
        }
        PairScores scores = PairScores.of(first, second);
        RetrievalEval.Result retrieval = null;
        double retrievalSeconds = 0;
        if (options.retrieval() && RetrievalEval.applicable(pairs)) {
            long t = System.nanoTime();
            retrieval = RetrievalEval.evaluate(pairs, vectors::get);
            retrievalSeconds = (System.nanoTime() - t) / 1e9;
        }
        return new FileResult(file, n, vectors.size(), seconds,
                EvalReport.x100(Correlation.spearman(scores.cosine(), labels)),
                EvalReport.x100(Correlation.pearson(scores.cosine(), labels)),
                EvalReport.x100(Correlation.spearman(scores.dot(), labels)),
                EvalReport.x100(Correlation.spearman(scores.euclidean(), labels)),
                EvalReport.x100(Correlation.spearman(scores.manhattan(), labels)),
                retrieval, retrievalSeconds);
    }

}
