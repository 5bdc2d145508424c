package dev.faqmatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Collects the measurements; prints the table, writes bench.json and the PNG plots. */
final class Report {
    private final BenchOptions options;
    private final String startedAt = Instant.now().toString();
    private final String loadAtStart = loadAverage();
    private final List<String> plotted = new ArrayList<>();

    Bench.OrtCeilingSweep ceilingFp32;
    Bench.OrtCeilingSweep ceilingInt8;
    InferenceLayerBench.Result inferenceFp32;
    InferenceLayerBench.Result inferenceUnbucketed;
    InferenceLayerBench.Result inferenceCached;
    InferenceLayerBench.Result inferenceInt8;
    double zipfRepeatShare;
    PeerBench.Result peer;
    EndToEndBench.Throughput e2eFp32;
    EndToEndBench.Throughput sqlFp32;
    EndToEndBench.Latency latencyFp32;
    EndToEndBench.Throughput e2eInt8;
    PythonPeer.Result pythonPeer;
    final Map<String, Map<String, Double>> accuracy = new LinkedHashMap<>();

    Report(BenchOptions options) {
        this.options = options;
    }

    /**
     * @param vsCeiling over the padded-batch ceiling (the definition: the plain model)
     * @param vsBucketedCeiling over the ceiling with the job's length bucketing applied (stricter)
     */
    record Row(String measure, String model, double perSecond, Double vsCeiling, Double vsBucketedCeiling,
            Double vsPeer, String note) {}

    record Target(String what, double value, String bound, boolean met) {}

    void finish() throws IOException {
        List<Row> rows = rows();
        List<Target> targets = targets();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine());
        json.put("started_at", startedAt);
        json.put("finished_at", Instant.now().toString());
        json.put("load_average_at_start", loadAtStart);
        json.put("load_average_at_end", loadAverage());
        json.put("options", Map.of("data", options.data.toString(), "texts", options.texts, "sweep_texts",
                options.sweepTexts, "e2e_questions", options.e2e, "batch_max_size", options.batchMaxSize,
                "batch_max_delay_ms", options.batchMaxDelay.toMillis(), "cache_max_entries", options.cacheEntries,
                "zipf_s", options.zipf, "cores", options.cores));
        json.put("table", rows);
        json.put("targets", targets);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("ceiling_fp32", ceilingFp32);
        detail.put("ceiling_int8", ceilingInt8);
        detail.put("inference_fp32", inferenceFp32);
        detail.put("inference_fp32_one_padded_run_per_batch", inferenceUnbucketed);
        detail.put("inference_fp32_cached_zipf", inferenceCached);
        detail.put("zipf_repeat_share", zipfRepeatShare);
        detail.put("inference_int8", inferenceInt8);
        detail.put("peer", peer);
        detail.put("e2e_fp32", e2eFp32);
        detail.put("sql_fp32", sqlFp32);
        detail.put("latency_fp32", latencyFp32);
        detail.put("e2e_int8", e2eInt8);
        detail.put("python_peer", pythonPeer);
        detail.put("accuracy_spearman_x100", accuracy);
        json.put("detail", detail);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(options.out.resolve("bench.json").toFile(), json);
        String table = markdown(rows, targets);
        Files.writeString(options.out.resolve("bench.md"), table);
        System.out.println();
        System.out.println(table);
        plots();
        System.out.println("Wrote bench.json, bench.md" + plotted.stream().map(f -> ", " + f).collect(Collectors.joining())
                + " in " + options.out);
    }

    private List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        double ceiling = ceilingFp32 == null ? Double.NaN : ceilingFp32.best().perSecond();
        double padded = ceilingFp32 == null ? Double.NaN : ceilingFp32.bestPadded().perSecond();
        double peerRate = peer == null ? Double.NaN : peer.perSecond();
        if (ceilingFp32 != null) {
            rows.add(row("ORT ceiling, padded batches (best of sweep)", ceilingFp32.bestPadded().model(), padded,
                    padded, ceiling, peerRate, ceilingFp32.bestPadded().label() + ", pre-tokenized, each batch padded"
                            + " to its longest text"));
            rows.add(row("ORT ceiling, length-bucketed (best of sweep)", ceilingFp32.best().model(), ceiling, padded,
                    ceiling, peerRate, ceilingFp32.best().label() + ", pre-tokenized, the job's batching applied"));
        }
        if (inferenceFp32 != null) {
            rows.add(row("inference layer", inferenceFp32.model(), inferenceFp32.perSecond(), padded, ceiling, peerRate,
                    inferenceFp32.slots() + " slots, batch " + inferenceFp32.batchMaxSize() + "/"
                            + inferenceFp32.batchMaxDelayMs() + " ms, length-bucketed"));
        }
        if (inferenceUnbucketed != null) {
            rows.add(row("inference layer, 1 padded run/batch", inferenceUnbucketed.model(),
                    inferenceUnbucketed.perSecond(), padded, ceiling, peerRate, "before length bucketing"));
        }
        if (e2eFp32 != null) {
            rows.add(row("end to end (Kafka -> Flink -> Kafka)", e2eFp32.model(), e2eFp32.perSecond(), padded, ceiling,
                    peerRate, e2eFp32.questions() + " questions, " + e2eFp32.delivery() + ", batch "
                            + options.batchMaxSize + String.format(Locale.ROOT, " (mean %.1f), ", e2eFp32.meanBatchSize())
                            + String.format(Locale.ROOT, "%.1f%% exact repeats", 100 * e2eFp32.repeatShare())));
        }
        if (sqlFp32 != null) {
            rows.add(row("Flink SQL ML_PREDICT (Kafka -> Flink SQL -> Kafka)", sqlFp32.model(), sqlFp32.perSecond(), padded,
                    ceiling, peerRate, sqlFp32.questions() + " questions, " + sqlFp32.delivery()
                            + String.format(Locale.ROOT, ", mean batch %.1f", sqlFp32.meanBatchSize())
                            + (e2eFp32 == null ? "" : String.format(Locale.ROOT, ", %.2fx the job",
                                    sqlFp32.perSecond() / e2eFp32.perSecond()))));
        }
        if (peer != null) {
            rows.add(row("peer: langchain4j embedAll", "bge-small-zh-v1.5", peerRate, padded, ceiling, peerRate,
                    "in process, no Kafka, its defaults"));
        }
        if (ceilingInt8 != null) {
            rows.add(row("ORT ceiling int8, length-bucketed", ceilingInt8.best().model(), ceilingInt8.best().perSecond(),
                    padded, ceiling, peerRate, ceilingInt8.best().label()));
        }
        if (inferenceInt8 != null) {
            rows.add(row("inference layer int8", inferenceInt8.model(), inferenceInt8.perSecond(), padded, ceiling,
                    peerRate, "length-bucketed"));
        }
        if (e2eInt8 != null) {
            rows.add(row("end to end int8", e2eInt8.model(), e2eInt8.perSecond(), padded, ceiling, peerRate,
                    e2eInt8.questions() + " questions, " + e2eInt8.delivery()));
        }
        if (pythonPeer != null) {
            rows.add(row("Python peer (Kafka -> ONNX Runtime Python -> Kafka)", pythonPeer.model(),
                    pythonPeer.perSecond(), padded, ceiling, peerRate, String.format(Locale.ROOT, "%d questions,"
                            + " at-least-once, batch %d/%d ms padded, 1 session x %d threads, %.2f ms CPU per question"
                            + " (+ %.2f ms broker); no counter-examples or out-of-scope entries", pythonPeer.questions(),
                            options.batchMaxSize, options.batchMaxDelay.toMillis(), pythonPeer.threads(),
                            pythonPeer.peerCpuMsPerQuestion(), pythonPeer.brokerCpuMsPerQuestion())));
        }
        if (inferenceCached != null) {
            rows.add(row("inference layer + cache, Zipf repeats", inferenceCached.model(), inferenceCached.perSecond(),
                    padded, ceiling, peerRate, String.format(Locale.ROOT,
                            "Zipf s=%.2f: %.0f%% repeats, cache hit rate %.1f%%", options.zipf, 100 * zipfRepeatShare,
                            100 * inferenceCached.cacheHitRatio())));
        }
        return rows;
    }

    private static Row row(String measure, String model, double rate, double padded, double ceiling, double peer,
            String note) {
        return new Row(measure, model, round(rate), Double.isNaN(padded) ? null : round(rate / padded),
                Double.isNaN(ceiling) ? null : round(rate / ceiling), Double.isNaN(peer) ? null : round(rate / peer), note);
    }

    /** Issue 29's latency bounds at half load: a p50 above its bound fails the benchmark (Bench's exit status). */
    static final double LATENCY_P50_BOUND_MS = 60;
    static final double LATENCY_P99_BOUND_MS = 150;

    List<Target> targets() {
        List<Target> t = new ArrayList<>();
        if (e2eFp32 != null && ceilingFp32 != null) {
            double r = e2eFp32.perSecond() / ceilingFp32.bestPadded().perSecond();
            t.add(new Target("end to end / ceiling, padded batches (fp32)", round(r), ">= 0.90", r >= 0.9));
            double strict = e2eFp32.perSecond() / ceilingFp32.best().perSecond();
            t.add(new Target("end to end / ceiling, length-bucketed (fp32)", round(strict), ">= 0.95",
                    strict >= 0.95));
        }
        if (e2eInt8 != null && ceilingInt8 != null) {
            double r = e2eInt8.perSecond() / ceilingInt8.best().perSecond();
            t.add(new Target("end to end int8 / its ceiling, length-bucketed", round(r), ">= 0.90", r >= 0.9));
        }
        if (e2eFp32 != null && peer != null) {
            double r = e2eFp32.perSecond() / peer.perSecond();
            t.add(new Target("end to end / peer (fp32)", round(r), ">= 1.30", r >= 1.3));
        }
        if (latencyFp32 != null) {
            t.add(latencyP50());
            t.add(new Target(String.format(Locale.ROOT, "p99 latency at %.0f/s (ms)", latencyFp32.targetRate()),
                    round(latencyFp32.p99()), String.format(Locale.ROOT, "<= %.0f", LATENCY_P99_BOUND_MS),
                    latencyFp32.p99() <= LATENCY_P99_BOUND_MS));
        }
        if (latencyFp32 != null && inferenceFp32 != null) {
            double bound = p99BoundMillis();
            t.add(new Target(String.format(Locale.ROOT, "p99 latency at %.0f/s (ms), model-derived", latencyFp32.targetRate()),
                    round(latencyFp32.p99()), String.format(Locale.ROOT, "<= %.0f = 2 x (%d ms + %.0f ms full batch)",
                            bound, options.batchMaxDelay.toMillis(), inferenceFp32.fullBatchMillis()),
                    latencyFp32.p99() <= bound));
        }
        if (e2eInt8 != null && peer != null) {
            double r = e2eInt8.perSecond() / peer.perSecond();
            t.add(new Target("end to end int8 / peer fp32", round(r), ">= 2.00", r >= 2.0));
        }
        if (e2eInt8 != null && pythonPeer != null) {
            double r = e2eInt8.perSecond() / pythonPeer.perSecond();
            t.add(new Target("end to end int8 / Python peer", round(r), ">= 1.50", r >= 1.5));
        }
        if (sqlFp32 != null && e2eFp32 != null) {
            double r = sqlFp32.perSecond() / e2eFp32.perSecond();
            t.add(new Target("Flink SQL ML_PREDICT / the job (fp32)", round(r), "(reported)", true));
        }
        return t;
    }

    /** The latency run's p50 against its bound; null without a latency run. */
    Target latencyP50() {
        if (latencyFp32 == null) {
            return null;
        }
        return new Target(String.format(Locale.ROOT, "p50 latency at %.0f/s (ms)", latencyFp32.targetRate()),
                round(latencyFp32.p50()), String.format(Locale.ROOT, "<= %.0f", LATENCY_P50_BOUND_MS),
                latencyFp32.p50() <= LATENCY_P50_BOUND_MS);
    }

    private String markdown(List<Row> rows, List<Target> targets) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Machine: %s; load average at start %s, at end %s%n%n", machine(),
                loadAtStart, loadAverage()));
        sb.append("| measure | model | questions/s | x ceiling (padded) | x ceiling (bucketed) | x peer | notes |\n"
                + "|---|---|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %s | %s | %s | %s |%n", r.measure(), r.model(),
                    r.perSecond(), fmt(r.vsCeiling()), fmt(r.vsBucketedCeiling()), fmt(r.vsPeer()), r.note()));
        }
        if (latencyFp32 != null) {
            sb.append(String.format(Locale.ROOT, "%nLatency publish -> match event at %.1f questions/s (%s"
                            + "; achieved %.1f/s, %d questions, %s): p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms"
                            + " (the paced producer's worst lag behind its schedule: %.1f ms)%n",
                    latencyFp32.targetRate(), options.latencyRate > 0 ? "--latency-rate" : "half the end-to-end maximum",
                    latencyFp32.achievedRate(), latencyFp32.questions(), latencyFp32.delivery(),
                    latencyFp32.p50(), latencyFp32.p95(), latencyFp32.p99(), latencyFp32.max(),
                    latencyFp32.publisherWorstLagMs()));
            sb.append(String.format(Locale.ROOT, "%nCPU per question at that rate: %.2f ms in the job's JVM (with the"
                            + " paced producer and the consumer, which run in it), %.2f ms in the broker; the rest of the"
                            + " machine used %.2f cores meanwhile (%s)%n",
                    latencyFp32.jobCpuMsPerQuestion(), latencyFp32.brokerCpuMsPerQuestion(), latencyFp32.restCores(),
                    threads(latencyFp32.threadCpuMsPerQuestion())));
        }
        if (e2eFp32 != null) {
            sb.append(String.format(Locale.ROOT, "%nTaskManager (this JVM) RSS: %.0f MiB before the job, peak %.0f MiB"
                            + " under load (fp32, %d questions), %.0f MiB after%s%s%n",
                    e2eFp32.rssBeforeMiB(), e2eFp32.rssPeakMiB(), e2eFp32.questions(), e2eFp32.rssEndMiB(),
                    latencyFp32 == null ? "" : String.format(Locale.ROOT, "; peak %.0f MiB in the latency run",
                            latencyFp32.rssPeakMiB()),
                    e2eInt8 == null ? "" : String.format(Locale.ROOT, "; peak %.0f MiB with int8", e2eInt8.rssPeakMiB())));
        }
        if (e2eFp32 != null) {
            double ortMs = ceilingFp32 == null ? Double.NaN : 1000 / ceilingFp32.best().perCpuSecond();
            sb.append(String.format(Locale.ROOT, "%nCPU per question end to end (fp32): %.2f ms in the job's JVM (Flink,"
                            + " Kafka clients, tokenizer, ONNX Runtime), %.2f ms in the Kafka broker; ONNX Runtime alone"
                            + " (ceiling, per CPU-second) %.2f ms per text%n",
                    e2eFp32.jobCpuMsPerQuestion(), e2eFp32.brokerCpuMsPerQuestion(), ortMs));
            sb.append(String.format(Locale.ROOT, "(the rest of the machine, other processes, used %.2f cores meanwhile)%n",
                    e2eFp32.restCores()));
            double javaThreads = e2eFp32.threadCpuMsPerQuestion().values().stream().mapToDouble(Double::doubleValue).sum();
            sb.append("\n| job JVM thread (group) | CPU ms per question |\n|---|---:|\n");
            e2eFp32.threadCpuMsPerQuestion().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "| %s | %.3f |%n", k, v)));
            sb.append(String.format(Locale.ROOT, "| (GC, JIT and other native threads: the rest of the JVM's) | %.3f |%n",
                    e2eFp32.jobCpuMsPerQuestion() - javaThreads));
            e2eFp32.gcJitMsPerQuestion().forEach((k, v) -> sb.append(String.format(Locale.ROOT,
                    "| of which %s, wall ms | %.3f |%n", k, v)));
        }
        if (!targets.isEmpty()) {
            sb.append("\n| target | value | bound | met |\n|---|---:|---|---|\n");
            for (Target t : targets) {
                sb.append(String.format(Locale.ROOT, "| %s | %.2f | %s | %s |%n", t.what(), t.value(), t.bound(),
                        t.met() ? "yes" : "**no**"));
            }
        }
        if (!accuracy.isEmpty()) {
            sb.append("\n| accuracy (cosine Spearman x100) | fp32 | int8 |\n|---|---:|---:|\n");
            accuracy.forEach((set, scores) -> {
                List<Double> v = new ArrayList<>(scores.values());
                sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", set, v.get(0), v.size() > 1 ? v.get(1) : Double.NaN));
            });
        }
        return sb.toString();
    }

    private void plots() throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (ceilingFp32 != null) {
            XYSeriesCollection data = new XYSeriesCollection();
            Map<String, XYSeries> series = new LinkedHashMap<>();
            for (OrtCeiling.Point p : ceilingFp32.sweep()) {
                String name = describe(p.layout()) + (p.bucketed() ? ", length-bucketed" : "");
                series.computeIfAbsent(name, XYSeries::new).add(p.batch(), p.perSecond());
            }
            double maxBatch = options.batches.stream().mapToInt(Integer::intValue).max().orElse(64);
            if (e2eFp32 != null) {
                String name = "end to end (batch.max-size " + options.batchMaxSize + ", length-bucketed)";
                series.put(name, flat(name, e2eFp32.perSecond(), maxBatch));
            }
            if (peer != null) {
                series.put("peer: langchain4j embedAll", flat("peer: langchain4j embedAll", peer.perSecond(), maxBatch));
            }
            series.values().forEach(data::addSeries);
            JFreeChart chart = ChartFactory.createXYLineChart(
                    "bge-small-zh-v1.5 fp32 on " + options.cores + " cores: ONNX Runtime throughput vs batch size",
                    "batch size (texts per model run)", "texts / s", data, PlotOrientation.VERTICAL, true, false, false);
            XYPlot plot = chart.getXYPlot();
            plot.setDomainAxis(log2Axis("batch size (texts per model run)"));
            plot.setRenderer(lines(true, data.getSeriesCount(), new Color(0xd62728), new Color(0x1f77b4),
                    new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd), new Color(0x7f7f7f),
                    new Color(0x8c564b)));
            whiteWithGrid(plot);
            save(chart, "throughput-vs-batch.png", 900, 520);
        }
        if (latencyFp32 != null) {
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            String series = String.format(Locale.ROOT, "fp32, %.0f questions/s", latencyFp32.targetRate());
            data.addValue(latencyFp32.p50(), series, "p50");
            data.addValue(latencyFp32.p95(), series, "p95");
            data.addValue(latencyFp32.p99(), series, "p99");
            data.addValue(latencyFp32.max(), series, "max");
            if (inferenceFp32 != null) {
                data.addValue(p99BoundMillis(), "target bound for p99", "p99");
            }
            JFreeChart chart = ChartFactory.createBarChart(
                    "Latency publish -> match event at half the end-to-end maximum", "percentile", "ms", data,
                    PlotOrientation.VERTICAL, true, false, false);
            CategoryPlot plot = chart.getCategoryPlot();
            plot.setBackgroundPaint(Color.WHITE);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
            save(chart, "latency.png", 700, 440);
            latencyOverTime();
        }
    }

    /** Median and worst latency by 2-s window, warm-up included, with where the measurement starts. */
    private void latencyOverTime() throws IOException {
        XYSeries median = new XYSeries("median");
        XYSeries max = new XYSeries("max");
        XYSeries toSink = new XYSeries("median, publish -> the job's sink sends");
        for (EndToEndBench.Window w : latencyFp32.windows()) {
            median.add(w.fromSeconds(), Math.max(1, w.medianMs()));
            max.add(w.fromSeconds(), Math.max(1, w.maxMs()));
            toSink.add(w.fromSeconds(), Math.max(1, w.medianToSinkMs()));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(median);
        data.addSeries(toSink);
        data.addSeries(max);
        JFreeChart chart = ChartFactory.createXYLineChart(String.format(Locale.ROOT,
                        "Latency by 2-s window at %.0f questions/s, from a new job's first question",
                        latencyFp32.targetRate()),
                "seconds since the first question (published)", "ms", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setRangeAxis(log2Axis("ms (log scale)"));
        var start = new org.jfree.chart.plot.ValueMarker(latencyFp32.measuredFromSeconds());
        start.setPaint(Color.DARK_GRAY);
        start.setLabel("measured from here");
        start.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
        start.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
        plot.addDomainMarker(start);
        if (inferenceFp32 != null) {
            var bound = new org.jfree.chart.plot.ValueMarker(p99BoundMillis());
            bound.setPaint(new Color(0xd62728));
            bound.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f}, 0f));
            bound.setLabel("p99 bound");
            bound.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
            bound.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
            plot.addRangeMarker(bound);
        }
        plot.setRenderer(lines(false, data.getSeriesCount(), new Color(0x1f77b4), new Color(0x2ca02c),
                new Color(0xff7f0e)));
        whiteWithGrid(plot);
        save(chart, "latency-over-time.png", 900, 480);
    }

    private static String threads(Map<String, Double> msPerQuestion) {
        StringBuilder sb = new StringBuilder();
        msPerQuestion.entrySet().stream().limit(4).forEach(e -> sb.append(sb.isEmpty() ? "" : ", ")
                .append(e.getKey()).append(String.format(Locale.ROOT, " %.3f", e.getValue())));
        return sb.toString();
    }

    /** The p99 target: twice the longest wait for a batch plus one full batch's model run. */
    private double p99BoundMillis() {
        return 2 * (options.batchMaxDelay.toMillis() + inferenceFp32.fullBatchMillis());
    }

    /** A base-2 logarithmic axis with a tick at every power of two, labelled as plain numbers. */
    private static LogAxis log2Axis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(2);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setNumberFormatOverride(new java.text.DecimalFormat("0"));
        return axis;
    }

    /** Lines 2 px wide for {@code series} series, in the colours given (cycled), with or without point marks. */
    private static XYLineAndShapeRenderer lines(boolean shapes, int series, Color... colors) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, shapes);
        for (int i = 0; i < series; i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesPaint(i, colors[i % colors.length]);
        }
        return renderer;
    }

    private static void whiteWithGrid(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    }

    private void save(JFreeChart chart, String file, int width, int height) throws IOException {
        ChartUtils.saveChartAsPNG(options.out.resolve(file).toFile(), chart, width, height);
        plotted.add(file);
    }

    private static XYSeries flat(String name, double y, double maxBatch) {
        XYSeries s = new XYSeries(name);
        s.add(1, y);
        s.add(maxBatch, y);
        return s;
    }

    private static String describe(OrtCeiling.Layout layout) {
        return switch (layout) {
            case ONE_SESSION_ALL_THREADS -> "1 session x all cores, 1 caller";
            case ONE_SESSION_SHARED -> "1 session x 1 thread, shared by callers";
            case SESSION_PER_CORE -> "1 session per core x 1 thread";
        };
    }

    private static String fmt(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.2f", d);
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return String.format(Locale.ROOT, "%d cores (nproc), %s, Java %s, %s", Runtime.getRuntime().availableProcessors(),
                cpu, System.getProperty("java.version"), System.getProperty("os.arch"));
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
