package dev.faqmatch.eval;

import dev.faqmatch.cli.Cli;
import dev.faqmatch.cli.ModelOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The evaluation tool's command line ({@code deploy/eval.sh}). */
@Command(name = "deploy/eval.sh", sortOptions = false,
        description = {
            "Scores a model on sentence-pair files through the job's own inference code: cosine Spearman x100"
                    + " (as C-MTEB publishes it), Pearson, dot/Euclidean/Manhattan Spearman, and with --retrieval"
                    + " the FAQ-retrieval figures (recall@1, recall@5, MRR@10). See docs/ACCURACY.md.",
            ""})
final class EvalOptions implements Cli.Checked {
    /** What runs without a FILE: the public test sets of docs/ACCURACY.md, from the repository root. */
    static final List<Path> PUBLIC_TEST_SETS = Stream.of("lcqmc/LCQMC.test.data", "atec/ATEC.test.data",
            "pawsx/PAWSX.test.data", "stsb_zh/STS-B.test.data").map(f -> Path.of("../shared/data", f)).toList();

    @Parameters(paramLabel = "FILE", arity = "0..*",
            description = {"Pair files: text1<TAB>text2<TAB>label lines, or JSON lines with sentence1, sentence2,"
                    + " label. Default: the four public test sets in ../shared/data (see ../shared/data/README.md),"
                    + " with --retrieval."})
    private List<Path> files;

    @Mixin
    private ModelOptions model;

    @Option(names = "--threads", paramLabel = "N", description = "CPU cores to use (default: all, ${DEFAULT-VALUE} here).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--sessions", paramLabel = "N",
            description = "ONNX Runtime sessions sharing those cores (default: one per core).")
    private Integer sessions;

    @Option(names = "--batch", paramLabel = "N", description = "Texts per model run (default: ${DEFAULT-VALUE}).")
    private int batch = 32;

    @Option(names = "--retrieval", description = "Also FAQ-retrieval metrics on files with 0/1 labels.")
    private boolean retrieval;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N pairs of each file.")
    private Integer limit;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    private Path json;

    @Option(names = "--misses", paramLabel = "FILE",
            description = "With --retrieval: each query whose first result is not a hit, as JSON lines.")
    private Path misses;

    static EvalOptions parse(String... args) {
        return Cli.parse(new EvalOptions(), args);
    }

    @Override
    public void check() {
        Cli.requirePositive("--threads", threads);
        Cli.requirePositive("--batch", batch);
        if (sessions != null) {
            Cli.requirePositive("--sessions", sessions);
        }
        if (limit != null) {
            Cli.requirePositive("--limit", limit);
        }
        if (misses != null && !retrieval()) {
            throw new IllegalArgumentException("--misses lists the retrieval misses: add --retrieval");
        }
    }

    ModelOptions model() {
        return model;
    }

    int threads() {
        return threads;
    }

    /** ONNX Runtime sessions: at most one per core. */
    int sessions() {
        return sessions == null ? threads : Math.min(sessions, threads);
    }

    int batch() {
        return batch;
    }

    /** Asked for, or implied by reading the public test sets. */
    boolean retrieval() {
        return retrieval || files == null;
    }

    /** Pairs read from each file: {@link Integer#MAX_VALUE} for all. */
    int limit() {
        return limit == null ? Integer.MAX_VALUE : limit;
    }

    Path json() {
        return json;
    }

    Path misses() {
        return misses;
    }

    List<Path> files() {
        return files == null ? PUBLIC_TEST_SETS : List.copyOf(files);
    }

    /** Intra-op threads of session {@code s}: the cores split as evenly as they go. */
    int threadsOfSession(int s) {
        return threads / sessions() + (s < threads % sessions() ? 1 : 0);
    }
}
