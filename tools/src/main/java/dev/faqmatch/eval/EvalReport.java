package dev.faqmatch.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.inference.ModelSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The evaluation's figures as Markdown tables (what docs/ACCURACY.md shows) and as JSON. */
final class EvalReport {
    private EvalReport() {}

    static double x100(double v) {
        return v * 100;
    }

    static void printTables(List<Evaluate.FileResult> results, PrintStream out) {
        out.println("| file | pairs | cosine Spearman | cosine Pearson | dot Spearman | Euclidean Spearman"
                + " | Manhattan Spearman | seconds |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Evaluate.FileResult r : results) {
            out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %.1f |%n", label(r.file()), r.pairs(),
                    fmt(r.cosineSpearman()), fmt(r.cosinePearson()), fmt(r.dotSpearman()),
                    fmt(r.euclideanSpearman()), fmt(r.manhattanSpearman()), r.seconds());
        }
        if (results.stream().anyMatch(r -> r.retrieval() != null)) {
            out.println();
            out.println("FAQ retrieval (bank: first texts of the positive pairs; queries: their second texts):");
            out.println();
            out.println("| file | bank | queries | recall@1 | recall@5 | MRR@10 | misses | first labelled negative | seconds |");
            out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (Evaluate.FileResult r : results) {
                RetrievalEval.Result q = r.retrieval();
                if (q != null) {
                    out.printf(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %d | %d | %.1f |%n", label(r.file()),
                            q.bank(), q.queries(), fmt(x100(q.recallAt1())), fmt(x100(q.recallAt5())),
                            fmt(x100(q.mrrAt10())), q.misses().size(), q.missesLabelledNegative(), r.retrievalSeconds());
                }
            }
            out.println();
            out.println("misses: queries whose first result is not a text the file pairs with them as a paraphrase;"
                    + " first labelled negative: those whose first result the file labels 0 with the query (the rest"
                    + " are pairs the file does not label, which may be paraphrases)");
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

    static void writeJson(EvalOptions options, ModelSource model, List<Evaluate.FileResult> results) throws IOException {
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
        for (Evaluate.FileResult r : results) {
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
                        .put("misses", q.misses().size())
                        .put("misses_first_labelled_negative", q.missesLabelledNegative())
                        .put("seconds", r.retrievalSeconds());
            }
        }
        createParentDirectories(options.json());
        mapper.writeValue(options.json().toFile(), root);
    }

    /**
     * The retrieval misses of every file, one JSON object a line in the file's order: {@code file},
     * {@code query}, {@code first} (the bank text ranked first), {@code first_score},
     * {@code first_labelled} ({@code negative} when the file labels that pair 0, else {@code unlabelled}),
     * {@code expected} (the texts the file pairs with the query) and {@code expected_rank} (null
     * beyond the search depth).
     */
    static void writeMisses(Path target, List<Evaluate.FileResult> results) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        createParentDirectories(target);
        try (Writer w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            for (Evaluate.FileResult r : results) {
                if (r.retrieval() == null) {
                    continue;
                }
                for (RetrievalEval.Miss m : r.retrieval().misses()) {
                    ObjectNode line = mapper.createObjectNode()
                            .put("file", r.file().toString())
                            .put("query", m.query())
                            .put("first", m.first())
                            .put("first_score", m.firstScore())
                            .put("first_labelled", m.firstLabelledNegative() ? "negative" : "unlabelled");
                    m.expected().forEach(line.putArray("expected")::add);
                    if (m.expectedRank() == 0) {
                        line.putNull("expected_rank");
                    } else {
                        line.put("expected_rank", m.expectedRank());
                    }
                    w.write(mapper.writeValueAsString(line));
                    w.write('\n');
                }
            }
        }
    }

    private static void createParentDirectories(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
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
