package dev.faqmatch.bench;

import dev.faqmatch.cli.Cli;
import dev.faqmatch.eval.Correlation;
import dev.faqmatch.eval.PairFile;
import dev.faqmatch.eval.PairScores;
import dev.faqmatch.faq.FaqBankReader;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.inference.Device;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.inference.TextEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark: in one run, on the same questions, the model's ONNX Runtime ceiling, the
 * inference layer, the whole job end to end through Kafka and Flink, and langchain4j's
 * in-process model as the peer; one table (also as JSON) and PNG plots. See docs/BENCHMARKS.md
 * and {@code deploy/bench.sh --help} for the options.
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        BenchOptions o = Cli.parseOrExit(new BenchOptions(), args);
        Files.createDirectories(o.out);
        Report report = new Report(o);
        List<String> all = BenchTexts.read(o.data, Math.max(o.e2e, o.texts) + 40_000);
        List<String> texts = BenchTexts.first(all, o.texts);
        ModelSource fp32 = ModelSource.bundled(ModelSource.BGE_SMALL_ZH);
        ModelSource int8 = null;
        if (o.int8 && o.int8Model.equals("default")) {
            Path dir = o.out.resolve("models").resolve(ModelSource.BUNDLED.get(0));
            ModelSource.bundledDefault().writeDirectory(dir);
            int8 = ModelSource.directory(dir);
        } else if (o.int8 && Int8Model.available()) {
            int8 = ModelSource.directory(Int8Model.write(o.out.resolve("models").resolve(Int8Model.NAME)));
        }
        log("%d texts of %s (%d for the ceiling sweep, %d end to end); %d cores", texts.size(), o.data,
                o.sweepTexts, o.e2e, o.cores);

        // 1. ceiling: raw ONNX Runtime on pre-tokenized text
        report.ceilingFp32 = ceiling(o, fp32, texts, report, true);
        // The pipeline runs as shipped (or as --batch.max-size says), not tuned to this sweep.
        log("batch.max-size %d for the inference layer and the job; the sweep's fastest length-bucketed batch: %s",
                o.batchMaxSize, report.ceilingFp32.sweep().stream().filter(OrtCeiling.Point::bucketed)
                        .max(java.util.Comparator.comparingDouble(OrtCeiling.Point::perSecond))
                        .map(p -> Integer.toString(p.batch())).orElse("-"));

        if (int8 != null) {
            report.ceilingInt8 = ceiling(o, int8, texts, report, false);
        }

        // 2. inference layer, as the async operator feeds it
        FaqIndex index;
        List<Embedder> embedders = openSlots(fp32, o.cores);
        try {
            index = FaqIndex.build(FaqBankReader.read("classpath:samples/faq-bank.jsonl"), embedders.get(0)::embedTexts, 32);
            report.inferenceFp32 = InferenceLayerBench.run(fp32.spec().name(), embedders, index, texts, o.batchMaxSize,
                    o.batchMaxDelay, 0, true);
            log("inference layer %s: %.1f/s (full batch %.0f ms)", fp32.spec().name(), report.inferenceFp32.perSecond(),
                    report.inferenceFp32.fullBatchMillis());
            report.inferenceUnbucketed = InferenceLayerBench.run(fp32.spec().name(), embedders, index, texts,
                    o.batchMaxSize, o.batchMaxDelay, 0, false);
            log("inference layer %s, one padded run per batch: %.1f/s", fp32.spec().name(),
                    report.inferenceUnbucketed.perSecond());
            List<String> repeats = BenchTexts.zipf(all, texts.size(), o.zipf, 42);
            report.zipfRepeatShare = BenchTexts.repeatShare(repeats);
            report.inferenceCached = InferenceLayerBench.run(fp32.spec().name(), embedders, index, repeats,
                    o.batchMaxSize, o.batchMaxDelay, o.cacheEntries, true);
            log("inference layer with cache (%d entries/slot) on Zipf(%.2f) traffic: %.1f/s, hit rate %.3f",
                    o.cacheEntries, o.zipf, report.inferenceCached.perSecond(), report.inferenceCached.cacheHitRatio());
        } finally {
            embedders.forEach(Embedder::close);
        }
        if (int8 != null) {
            List<Embedder> q = openSlots(int8, o.cores);
            try {
                FaqIndex qIndex = FaqIndex.build(FaqBankReader.read("classpath:samples/faq-bank.jsonl"),
                        q.get(0)::embedTexts, 32);
                report.inferenceInt8 = InferenceLayerBench.run(int8.spec().name(), q, qIndex, texts, o.batchMaxSize,
                        o.batchMaxDelay, 0, true);
                log("inference layer %s: %.1f/s", int8.spec().name(), report.inferenceInt8.perSecond());
            } finally {
                q.forEach(Embedder::close);
            }
        }

        // 3. the peer
        if (o.peer) {
            report.peer = PeerBench.run(texts, texts.size());
            log("peer %s: %.1f/s", report.peer.model(), report.peer.perSecond());
        }

        // 4. end to end
        if (o.e2eOn) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("batch.max-size", Integer.toString(o.batchMaxSize));
            settings.put("batch.max-delay", o.batchMaxDelay.toMillis() + "ms");
            settings.put("cache.max-entries", Integer.toString(o.cacheEntries));
            // The fp32 runs name their model: the job's default is the int8 finance model now.
            settings.put("model.name", fp32.spec().name());
            settings.putAll(o.jobSettings);
            List<String> e2eTexts = BenchTexts.first(all, o.e2e);
            try (EndToEndBench e2e = new EndToEndBench(o.out.resolve("work"), o.cores)) {
                // A TaskManager runs for days: warm the JIT on Flink's and Kafka's code paths with a
                // short unmeasured run first, as the ceiling and the inference layer are warmed.
                e2e.throughput(fp32.spec().name(), null, all.subList(all.size() - o.e2eWarmUp, all.size()), settings);
                report.e2eFp32 = profiled(o, "end to end " + fp32.spec().name(),
                        () -> e2e.throughput(fp32.spec().name(), null, e2eTexts, settings));
                log("end to end %s: %.1f/s over %d questions (peak RSS %.0f MiB, mean batch %.1f)", fp32.spec().name(),
                        report.e2eFp32.perSecond(), o.e2e, report.e2eFp32.rssPeakMiB(), report.e2eFp32.meanBatchSize());
                if (o.sql) {
                    report.sqlFp32 = e2e.throughput(fp32.spec().name(), null, e2eTexts, settings,
                            EndToEndBench.Pipeline.SQL);
                    log("ML_PREDICT %s: %.1f/s over %d questions (mean batch %.1f)", fp32.spec().name(),
                            report.sqlFp32.perSecond(), o.e2e, report.sqlFp32.meanBatchSize());
                }
                double rate = o.latencyRate > 0 ? o.latencyRate : report.e2eFp32.perSecond() / 2;
                int n = (int) Math.max(50, rate * o.latencySeconds);
                int from = Math.max(0, Math.min(o.e2e, all.size() - n));
                List<String> measured = BenchTexts.first(all.subList(from, all.size()), n);
                // warm-up questions from the throughput run's texts: a new job has a new cache
                List<String> warmUp = BenchTexts.first(all.subList(0, Math.min(o.e2e, all.size())),
                        (int) (rate * Math.min(o.latencySeconds, EndToEndBench.LATENCY_WARM_UP_SECONDS)));
                report.latencyFp32 = e2e.latency(fp32.spec().name(), null, warmUp, measured, rate, settings);
                log("latency %s at %.1f/s: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms", fp32.spec().name(), rate,
                        report.latencyFp32.p50(), report.latencyFp32.p95(), report.latencyFp32.p99());
                if (int8 != null) {
                    ModelSource quantized = int8;
                    report.e2eInt8 = profiled(o, "end to end " + quantized.spec().name(),
                            () -> e2e.throughput(quantized.spec().name(), quantized.id(), e2eTexts, settings));
                    log("end to end %s: %.1f/s", int8.spec().name(), report.e2eInt8.perSecond());
                }
                if (o.pythonPeer != null && int8 == null) {
                    log("--python-peer: no int8 model in this run, so no Python peer (it runs on the int8 model)");
                } else if (o.pythonPeer != null) {
                    PythonPeer peer = new PythonPeer(o.pythonPeer, o.batchMaxSize, o.batchMaxDelay);
                    report.pythonPeer = e2e.pythonPeer(peer, int8.spec().name(), int8.id(), e2eTexts);
                    log("Python peer %s: %.1f/s over %d questions, %.2f ms CPU per question", int8.spec().name(),
                            report.pythonPeer.perSecond(), o.e2e, report.pythonPeer.peerCpuMsPerQuestion());
                }
            }
        }

        // 5. accuracy of the int8 model against fp32 (optional: minutes)
        if (o.accuracy && int8 != null) {
            accuracy(o, fp32, int8, report);
        }

        report.finish();
        Report.Target p50 = report.latencyP50();
        if (p50 != null && !p50.met()) {
            // Printed is not enough: a latency regression must fail whoever runs the benchmark.
            System.err.printf(Locale.ROOT, "FAILED: %s is %.0f, bound %s (report in %s)%n", p50.what(), p50.value(),
                    p50.bound(), o.out);
            System.exit(1);
        }
    }

    /** A run that may throw anything the benchmark's runs throw. */
    private interface Run<T> {
        T run() throws Exception;
    }

    /** Runs {@code run}, recorded with JFR and its top frames printed when --profile asks for it. */
    private static <T> T profiled(BenchOptions o, String title, Run<T> run) throws Exception {
        if (!o.profile) {
            return run.run();
        }
        Path file = o.out.resolve("profile-" + title.replaceAll("[^A-Za-z0-9.-]+", "-") + ".jfr");
        try (JfrProfile profile = JfrProfile.start(file)) {
            T result = run.run();
            System.out.print(profile.stop(title));
            return result;
        }
    }

    static OrtCeilingSweep ceiling(BenchOptions o, ModelSource model, List<String> texts, Report report,
            boolean sweep) throws Exception {
        List<long[]> tokens = new ArrayList<>(texts.size());
        try (TextEncoder encoder = new TextEncoder(model)) {
            for (String t : texts) {
                tokens.add(encoder.encode(t).ids());
            }
        }
        String name = model.spec().name();
        List<OrtCeiling.Point> points = new ArrayList<>();
        OrtCeiling.Point best = null;
        try (OrtCeiling small = new OrtCeiling(name, model.spec().output(), model.readOnnx(),
                tokens.subList(0, Math.min(tokens.size(), o.sweepTexts)), o.cores)) {
            List<OrtCeiling.Layout> layouts = sweep ? List.of(OrtCeiling.Layout.values())
                    : List.of(OrtCeiling.Layout.SESSION_PER_CORE);
            List<Integer> batches = sweep ? o.batches : List.of(1, o.batchMaxSize);
            for (OrtCeiling.Layout layout : layouts) {
                for (int batch : batches) {
                    for (boolean bucketed : batch > 1 ? List.of(false, true) : List.of(false)) {
                        if (bucketed && layout != OrtCeiling.Layout.SESSION_PER_CORE) {
                            continue;
                        }
                        OrtCeiling.Point p = small.measure(layout, batch, bucketed);
                        points.add(p);
                        log("ceiling %s %-24s batch %3d%s: %.1f/s, %.1f per CPU-second", name, layout, batch,
                                bucketed ? " bucketed" : "", p.perSecond(), p.perCpuSecond());
                        if (best == null || p.perSecond() > best.perSecond()) {
                            best = p;
                        }
                    }
                }
            }
        }
        if (sweep && !o.runCosts.isEmpty()) {
            // tuning LengthBuckets.DEFAULT_RUN_COST: the same batches cut with other run costs, twice
            try (OrtCeiling c = new OrtCeiling(name, model.spec().output(), model.readOnnx(),
                    tokens.subList(0, Math.min(tokens.size(), o.sweepTexts)), o.cores)) {
                for (int round = 0; round < 2; round++) {
                    for (int cost : o.runCosts) {
                        OrtCeiling.Point p = c.measure(OrtCeiling.Layout.SESSION_PER_CORE, 32, true, cost);
                        log("ceiling %s per core, batch 32 bucketed with run cost %d: %.1f/s, %.1f per CPU-second",
                                name, cost, p.perSecond(), p.perCpuSecond());
                    }
                }
            }
        }
        // the best layouts again on the full set of texts, which the other measurements use
        OrtCeiling.Point bestPadded = points.stream().filter(p -> !p.bucketed())
                .max(java.util.Comparator.comparingDouble(OrtCeiling.Point::perSecond)).orElseThrow();
        OrtCeiling.Point full;
        OrtCeiling.Point fullPadded;
        try (OrtCeiling ceiling = new OrtCeiling(name, model.spec().output(), model.readOnnx(), tokens, o.cores)) {
            full = ceiling.measure(best.layout(), best.batch(), best.bucketed());
            fullPadded = best.bucketed() ? ceiling.measure(bestPadded.layout(), bestPadded.batch(), false) : full;
        }
        log("ceiling %s: %.1f/s (%s, %d texts); padded batches only: %.1f/s (%s)", name, full.perSecond(),
                full.label(), full.texts(), fullPadded.perSecond(), fullPadded.label());
        return new OrtCeilingSweep(points, full, fullPadded);
    }

    /**
     * @param best the best of the whole sweep, length-bucketed runs included
     * @param bestPadded the best with each batch padded to its longest text (the plain model)
     */
    record OrtCeilingSweep(List<OrtCeiling.Point> sweep, OrtCeiling.Point best, OrtCeiling.Point bestPadded) {}

    static List<Embedder> openSlots(ModelSource model, int slots) {
        List<Embedder> list = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            list.add(Embedder.open(model, Device.CPU, 1));
        }
        return list;
    }

    /** Cosine Spearman x100 of fp32 and int8 on the same pairs (the C-MTEB measure). */
    private static void accuracy(BenchOptions o, ModelSource fp32, ModelSource int8, Report report) throws Exception {
        Path shared = o.data.toAbsolutePath().getParent().getParent();
        Map<String, Path> sets = new LinkedHashMap<>();
        sets.put("STS-B test", shared.resolve("stsb_zh/STS-B.test.data"));
        sets.put("ATEC test", shared.resolve("atec/ATEC.test.data"));
        sets.put("LCQMC test", shared.resolve("lcqmc/LCQMC.test.data"));
        for (Map.Entry<String, Path> set : sets.entrySet()) {
            if (!Files.isRegularFile(set.getValue())) {
                continue;
            }
            List<PairFile.Pair> pairs = PairFile.read(set.getValue(), o.accuracyPairs);
            Map<String, Double> scores = new LinkedHashMap<>();
            for (ModelSource m : List.of(fp32, int8)) {
                double s = 100 * spearman(m, pairs, o.cores);
                scores.put(m.spec().name(), s);
                log("accuracy %s on %s (%d pairs): %.2f", m.spec().name(), set.getKey(), pairs.size(), s);
            }
            report.accuracy.put(set.getKey() + " (" + pairs.size() + " pairs)", scores);
        }
    }

    private static double spearman(ModelSource model, List<PairFile.Pair> pairs, int slots) throws Exception {
        List<Embedder> embedders = openSlots(model, slots);
        ExecutorService pool = Executors.newFixedThreadPool(slots);
        try {
            float[][] first = new float[pairs.size()][];
            float[][] second = new float[pairs.size()][];
            List<Future<?>> parts = new ArrayList<>();
            int chunk = 32;
            for (int from = 0; from < pairs.size(); from += chunk) {
                int start = from;
                int end = Math.min(pairs.size(), from + chunk);
                int slot = (from / chunk) % slots;
                parts.add(pool.submit(() -> {
                    List<String> a = new ArrayList<>();
                    List<String> b = new ArrayList<>();
                    for (PairFile.Pair p : pairs.subList(start, end)) {
                        a.add(p.text1());
                        b.add(p.text2());
                    }
                    Embedder e = embedders.get(slot);
                    synchronized (e) {
                        float[][] va = e.embedTexts(a);
                        float[][] vb = e.embedTexts(b);
                        System.arraycopy(va, 0, first, start, va.length);
                        System.arraycopy(vb, 0, second, start, vb.length);
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
            double[] labels = new double[pairs.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = pairs.get(i).label();
            }
            return Correlation.spearman(PairScores.of(first, second).cosine(), labels);
        } finally {
            pool.shutdownNow();
            embedders.forEach(Embedder::close);
        }
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }
}
