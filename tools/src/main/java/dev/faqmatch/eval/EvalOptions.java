package dev.faqmatch.eval;

import dev.faqmatch.inference.ModelSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The evaluation tool's command line, parsed and checked. */
record EvalOptions(String modelDir, String modelName, int threads, int sessions, int batch, boolean retrieval, int limit, Path json,
        Path misses, List<Path> files) {

    static EvalOptions parse(String[] args) {
        String modelDir = null;
        String modelName = null;
        int threads = Runtime.getRuntime().availableProcessors();
        int sessions = -1;
        int batch = 32;
        boolean retrieval = false;
        int limit = Integer.MAX_VALUE;
        Path json = null;
        Path misses = null;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--model-dir" -> modelDir = value(args, ++i, arg);
                case "--model" -> modelName = value(args, ++i, arg);
                case "--threads" -> threads = positive(args, ++i, arg);
                case "--sessions" -> sessions = positive(args, ++i, arg);
                case "--batch" -> batch = positive(args, ++i, arg);
                case "--limit" -> limit = positive(args, ++i, arg);
                case "--json" -> json = Path.of(value(args, ++i, arg));
                case "--misses" -> misses = Path.of(value(args, ++i, arg));
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
        if (misses != null && !retrieval) {
            throw new IllegalArgumentException("--misses lists the retrieval misses: add --retrieval");
        }
        sessions = sessions < 0 ? threads : Math.min(sessions, threads);
        return new EvalOptions(modelDir, modelName, threads, sessions, batch, retrieval, limit, json, misses,
                List.copyOf(files));
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

    private static final String USAGE = """
            usage: eval.sh [options] FILE...
              FILE               text1<TAB>text2<TAB>label lines, or JSON lines with sentence1, sentence2, label
              --model-dir DIR    model directory (model.onnx, tokenizer.json, model.json)
              --model NAME       a bundled model instead (%s); default: %s
              --threads N        CPU cores to use (default: all, %d here)
              --sessions N       ONNX Runtime sessions sharing those cores (default: one per core)
              --batch N          texts per model run (default 32)
              --retrieval        also FAQ-retrieval metrics on files with 0/1 labels
              --limit N          only the first N pairs of each file
              --json FILE        also write the results as JSON
              --misses FILE      with --retrieval: each query whose first result is not a hit, as JSON lines
            """;

    static String usage() {
        return String.format(USAGE, String.join(", ", ModelSource.BUNDLED), ModelSource.BUNDLED.get(0),
                Runtime.getRuntime().availableProcessors());
    }
}
