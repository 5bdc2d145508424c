package dev.faqmatch.bench;

import dev.faqmatch.cli.Cli;
import dev.faqmatch.config.MatcherConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The benchmark's command line ({@code deploy/bench.sh}); {@link Report} reads it to describe the run. */
@Command(name = "deploy/bench.sh", sortOptions = false,
        description = {
            "The benchmark (docs/BENCHMARKS.md): in one run, on the same questions, the model's ONNX Runtime"
                    + " ceiling, the inference layer, the whole job end to end (a real Kafka broker, the job on a"
                    + " local Flink cluster) and langchain4j's in-process model as the peer, fp32 and int8. Prints"
                    + " one table and writes bench.json, bench.md and PNG plots to --out. About 7 minutes on 2"
                    + " cores; measure on a quiet machine.",
            ""},
        footer = {"", "deploy/bench.sh --bank-scale --help: the FAQ bank scale benchmark (top-k cost and memory of"
                + " 1k to 100k-entry banks) and its options."})
final class BenchOptions {
    @Option(names = "--quick", description = "A smoke run with few questions (1-2 minutes); later options still count.")
    void quick(boolean on) {
        texts = 300;
        sweepTexts = 128;
        batches = List.of(1, 8, 32);
        e2e = 600;
        e2eWarmUp = 200;
        latencySeconds = 8;
    }

    @Option(names = "--data", paramLabel = "FILE", description = "Pair file of questions (default: ${DEFAULT-VALUE}).")
    Path data = Path.of("../shared/data/atec/ATEC.test.data");

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report and plots go (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("target/bench");

    @Option(names = "--texts", paramLabel = "N", description = "Questions for the ceiling and the inference layer (default: ${DEFAULT-VALUE}).")
    int texts = 6000;

    @Option(names = "--sweep-texts", paramLabel = "N", description = "Questions per point of the ceiling's batch sweep (default: ${DEFAULT-VALUE}).")
    int sweepTexts = 1200;

    @Option(names = "--batches", paramLabel = "N", split = ",",
            description = "Batch sizes of the ceiling's sweep (default: 1,4,8,16,32,64).")
    List<Integer> batches = List.of(1, 4, 8, 16, 32, 64);

    @Option(names = "--e2e", paramLabel = "N", description = "Questions through the whole job (default: ${DEFAULT-VALUE}).")
    int e2e = 20_000;

    @Option(names = "--e2e-warm-up", paramLabel = "N", description = "Unmeasured questions first, to warm the JIT (default: ${DEFAULT-VALUE}).")
    int e2eWarmUp = 6000;

    @Option(names = "--no-e2e", description = "Skip the end-to-end runs (ceiling, inference layer and peer only).")
    void skipEndToEnd(boolean skip) {
        e2eOn = !skip;
    }

    boolean e2eOn = true;

    @Option(names = "--latency-seconds", paramLabel = "N", description = "Length of the end-to-end latency run (default: ${DEFAULT-VALUE}).")
    int latencySeconds = 60;

    @Option(names = "--latency-rate", paramLabel = "Q/S", description = "Questions per second of the latency run (default: half the end-to-end maximum just measured).")
    double latencyRate = 0;

    @Option(names = "--batch.max-size", paramLabel = "N", description = "The job's batch.max-size for the inference layer and the job (default: the job's, ${DEFAULT-VALUE}).")
    int batchMaxSize = MatcherConfig.BATCH_MAX_SIZE.parse(null);

    @Option(names = "--batch.max-delay-ms", paramLabel = "MS", description = "The job's batch.max-delay in milliseconds (default: the job's).")
    void batchMaxDelayMillis(long millis) {
        batchMaxDelay = Duration.ofMillis(millis);
    }

    Duration batchMaxDelay = MatcherConfig.BATCH_MAX_DELAY.parse(null);

    @Option(names = "--cache", paramLabel = "N", description = "cache.max-entries of the cached runs (default: ${DEFAULT-VALUE}).")
    int cacheEntries = 4096;

    @Option(names = "--zipf", paramLabel = "S", description = "Exponent of the Zipf traffic of the cached run (default: ${DEFAULT-VALUE}).")
    double zipf = 1.0;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A job setting for the end-to-end runs (e.g. output.embedding=base64).")
    Map<String, String> jobSettings = new LinkedHashMap<>();

    @Option(names = "--no-sql", description = "Skip the Flink SQL run (ML_PREDICT of the faq-matcher model on the same questions).")
    void skipSql(boolean skip) {
        sql = !skip;
    }

    boolean sql = true;

    @Option(names = "--no-peer", description = "Skip langchain4j's in-process model (the peer).")
    void skipPeer(boolean skip) {
        peer = !skip;
    }

    boolean peer = true;

    @Option(names = "--no-int8", description = "Skip the int8 model's runs.")
    void skipInt8(boolean skip) {
        int8 = !skip;
    }

    boolean int8 = true;

    @Option(names = "--int8-model", paramLabel = "NAME",
            description = "The int8 model: ${DEFAULT-VALUE} (langchain4j's int8 bge), or 'default' for the model the"
                    + " job runs by default.")
    String int8Model = Int8Model.NAME;

    @Option(names = "--python-peer", paramLabel = "PYTHON",
            description = "Also the Python peer (Kafka -> ONNX Runtime in Python -> Kafka) on the int8 model and the"
                    + " end-to-end questions: PYTHON has deploy/python's peer extra and confluent_kafka."
                    + " deploy/bench.sh --python-peer (no =PYTHON) makes one in target/peer-venv.")
    String pythonPeer;

    @Option(names = "--profile", description = "Record each end-to-end throughput run with JFR (this JVM runs the"
            + " job) and print its top frames; the recordings go to the --out folder as profile-*.jfr.")
    boolean profile = false;

    @Option(names = "--accuracy", description = "Also fp32 vs int8 cosine Spearman on STS-B, ATEC and LCQMC (minutes).")
    boolean accuracy = false;

    @Option(names = "--accuracy-pairs", paramLabel = "N", description = "Pairs of each set for --accuracy (default: ${DEFAULT-VALUE}).")
    int accuracyPairs = 5000;

    @Option(names = "--cores", paramLabel = "N", description = "Cores to use (default: all, ${DEFAULT-VALUE} here).")
    int cores = Runtime.getRuntime().availableProcessors();

    @Option(names = "--run-costs", paramLabel = "N", split = ",",
            description = "Also measure these LengthBuckets run costs in the ceiling (tuning its default).")
    List<Integer> runCosts = List.of();

    static BenchOptions parse(String... args) {
        return Cli.parse(new BenchOptions(), args);
    }
}
