package dev.faqmatch.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    static final String USAGE = """
            usage: eval.sh [options] FILE...
              FILE               text1<TAB>text2<TAB>label lines, or JSON lines with sentence1, sentence2, label
              --model-dir DIR    model directory (model.onnx, tokenizer.json, model.json); default: bundled bge-small-zh-v1.5
              --threads N        CPU cores to use (default: all, %d here)
              --sessions N       ONNX Runtime sessions sharing those cores (default: one per core)
              --batch N          texts per model run (default 32)
              --retrieval        also FAQ-retrieval metrics on files with 0/1 labels
              --limit N          only the first N pairs of each file
              --json FILE        also write the results as JSON
            """;

    /** Parsed command line. */
    record Options(String modelDir, int threads, int sessions, int batch, boolean retrieval, int limit, Path json,
            List<Path> files) {

        static Options parse(String[] args) {
            String modelDir = null;
            int threads = Runtime.getRuntime().availableProcessors();
            int sessions = -1;
            int batch = 32;
            boolean retrieval = false;
            int limit = Integer.MAX_VALUE;
            Path json = null;
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--model-dir" -> modelDir = value(args, ++i, arg);
                    case "--threads" -> threads = positive(args, ++i, arg);
                    case "--sessions" -> sessions = positive(args, ++i, arg);
                    case "--batch" -> batch = positive(args, ++i, arg);
                    case "--limit" -> limit = positive(args, ++i, arg);
                    case "--json" -> json = Path.of(value(args, ++i, arg));
                    case "--retrieval" -> retrieval = true;
                    default -> {
                        if (arg.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        files.add(Path.of(arg));
                    }
                }
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no pair file given");
            }
            sessions = sessions < 0 ? threads : Math.min(sessions, threads);
            return new Options(modelDir, threads, sessions, batch, retrieval, limit, json, List.copyOf(files));
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int positive(String[] args, int i, String option) {
            String v = value(args, i, option);
            try {
                int n = Integer.parseInt(v);
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + " needs a positive integer, got '" + v + "'");
        }

        /** Intra-op threads of session {@code s}: the cores split as evenly as they go. */
        int threadsOfSession(int s) {
            return threads / sessions + (s < threads % sessions ? 1 : 0);
        }
    }

    /** Figures of one file; correlations x100, {@code retrieval} null when not asked for or not applicable. */
    record FileResult(Path file, int pairs, int texts, double seconds, double cosineSpearman, double cosinePearson,
            double dotSpearman, double euclideanSpearman, double manhattanSpearman, RetrievalEval.Result retrieval,
            double retrievalSeconds) {}

    private Evaluate() {}

    public static void main(String[] args) throws IOException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.printf(USAGE, Runtime.getRuntime().availableProcessors());
            System.exit(2);
            return;
        }
        try {
            run(options, System.out);
        } catch (PairFileException | ModelException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    static List<FileResult> run(Options options, PrintStream out) throws IOException {
        // A typo in the last path should not cost a model load and the earlier files first.
        for (Path file : options.files()) {
            if (!Files.isRegularFile(file)) {
                throw new PairFileException("pair file " + file + " does not exist or is not a file");
            }
        }
        ModelSource model = ModelSource.resolve(options.modelDir());
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
                        label(file), r.pairs(), r.texts(), r.seconds(), r.texts() / r.seconds(), r.cosineSpearman());
            }
            out.println();
            printTables(results, out);
            if (options.json() != null) {
                writeJson(options, model, results);
                out.println();
                out.println("JSON written to " + options.json());
            }
            return results;
        } finally {
            for (Embedder e : embedders) {
                e.close();
            }
        }
    }

    static FileResult evaluate(Path file, Options options, ParallelEmbedder embedder) {
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
                x100(Correlation.spearman(scores.cosine(), labels)),
                x100(Correlation.pearson(scores.cosine(), labels)),
                x100(Correlation.spearman(scores.dot(), labels)),
                x100(Correlation.spearman(scores.euclidean(), labels)),
                x100(Correlation.spearman(scores.manhattan(), labels)),
                retrieval, retrievalSeconds);
    }

    private static double x100(double v) {
        return v * 100;
    }

    static void printTables(List<FileResult> results, PrintStream out) {
        out.println("| file | pairs | cosine Spearman | cosine Pearson | dot Spearman | Euclidean Spearman"
                + " | Manhattan Spearman | seconds |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (FileResult r : results) {
            out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %.1f |%n", label(r.file()), r.pairs(),
                    fmt(r.cosineSpearman()), fmt(r.cosinePearson()), fmt(r.dotSpearman()),
                    fmt(r.euclideanSpearman()), fmt(r.manhattanSpearman()), r.seconds());
        }
        if (results.stream().anyMatch(r -> r.retrieval() != null)) {
            out.println();
            out.println("FAQ retrieval (bank: first texts of the positive pairs; queries: their second texts):");
            out.println();
            out.println("| file | bank | queries | recall@1 | recall@5 | MRR@10 | seconds |");
            out.println("|---|---:|---:|---:|---:|---:|---:|");
            for (FileResult r : results) {
                RetrievalEval.Result q = r.retrieval();
                if (q != null) {
                    out.printf(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %.1f |%n", label(r.file()), q.bank(),
                            q.queries(), fmt(x100(q.recallAt1())), fmt(x100(q.recallAt5())), fmt(x100(q.mrrAt10())),
                            r.retrievalSeconds());
                }
            }
        }
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** {@code dir/file}: short, yet tells apart the test files of different sets. */
    static String label(Path file) {
        Path name = file.getFileName();
        Path parent = file.toAbsolutePath().normalize().getParent();
        return parent == null || parent.getFileName() == null ? name.toString() : parent.getFileName() + "/" + name;
    }

    private static void writeJson(Options options, ModelSource model, List<FileResult> results) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ModelSpec spec = model.spec();
        ObjectNode root = mapper.createObjectNode();
        root.putObject("model")
                .put("name", spec.name())
                .put("source", model.id())
                .put("pooling", spec.pooling().id())
                .put("max_seq_len", spec.maxSeqLen())
                .put("dim", spec.dim())
                .put("normalize", spec.normalize())
                .put("lowercase", spec.lowercase());
        root.put("scale", 100);
        root.put("threads", options.threads());
        root.put("sessions", options.sessions());
        root.put("batch", options.batch());
        if (options.limit() != Integer.MAX_VALUE) {
            root.put("limit", options.limit());
        }
        ArrayNode files = root.putArray("files");
        for (FileResult r : results) {
            ObjectNode f = files.addObject()
                    .put("file", r.file().toString())
                    .put("pairs", r.pairs())
                    .put("distinct_texts", r.texts())
                    .put("seconds", r.seconds());
            putScore(f, "cosine_spearman", r.cosineSpearman());
            putScore(f, "cosine_pearson", r.cosinePearson());
            putScore(f, "dot_spearman", r.dotSpearman());
            putScore(f, "euclidean_spearman", r.euclideanSpearman());
            putScore(f, "manhattan_spearman", r.manhattanSpearman());
            RetrievalEval.Result q = r.retrieval();
            if (q != null) {
                f.putObject("retrieval")
                        .put("bank", q.bank())
                        .put("queries", q.queries())
                        .put("recall_at_1", x100(q.recallAt1()))
                        .put("recall_at_5", x100(q.recallAt5()))
                        .put("mrr_at_10", x100(q.mrrAt10()))
                        .put("seconds", r.retrievalSeconds());
            }
        }
        Path parent = options.json().toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        mapper.writeValue(options.json().toFile(), root);
    }

    /** NaN (a constant column) becomes null: JSON has no NaN. */
    private static void putScore(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
