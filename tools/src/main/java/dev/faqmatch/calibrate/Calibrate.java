package dev.faqmatch.calibrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faqmatch.cli.Cli;
import dev.faqmatch.eval.ParallelEmbedder;
import dev.faqmatch.faq.FaqBankException;
import dev.faqmatch.faq.FaqBankReader;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.faq.LiveBanks;
import dev.faqmatch.inference.Device;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.ModelException;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.match.Route;
import dev.faqmatch.match.Thresholds;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Calibrates the routing thresholds of a bank on labelled questions: embeds the bank and the
 * questions with the job's model and index, sweeps min-score and clarify-margin, and prints the
 * answer route's precision / coverage table, the thresholds that reach the target precision with
 * the most coverage (as YAML to paste), the entries the model confuses and the questions it got
 * wrong; writes the curve as a PNG. Run it with {@code deploy/calibrate.sh}.
 */
public final class Calibrate {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Answer margins drawn in the curve besides the chosen one. */
    private static final double[] PLOTTED_MARGINS = {0.0, 0.02, 0.05, 0.10};

    /** A bank and its labelled questions. */
    record LabelledSet(String bank, Path questions) {
        /** The question file with its folder: {@code unionpay/valid.jsonl}. */
        String name() {
            Path parent = questions.toAbsolutePath().getParent();
            return (parent == null || parent.getFileName() == null ? "" : parent.getFileName() + "/") + questions.getFileName();
        }
    }

    private Calibrate() {}

    public static void main(String[] args) throws IOException {
        CalibrateOptions options = Cli.parseOrExit(new CalibrateOptions(), args);
        try {
            run(options, System.out);
        } catch (IllegalArgumentException | FaqBankException | ModelException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    /** One set's questions as the bank answered them. */
    record SetResult(LabelledSet set, Map<String, FaqEntry> byId, List<Outcome> outcomes, List<RoutingSweep.Point> grid) {}

    /** What the run found: every set's outcomes, and the thresholds it recommends (null when none reach the target). */
    record Result(List<SetResult> sets, Thresholds recommended) {}

    static Result run(CalibrateOptions options, PrintStream out) throws IOException {
        // Every file is read and checked before the model loads: a typo costs no embedding.
        List<List<FaqEntry>> banks = new ArrayList<>();
        List<List<LabelledQuestions.Labelled>> questions = new ArrayList<>();
        for (LabelledSet set : options.sets()) {
            List<FaqEntry> entries = FaqBankReader.read(set.bank());
            banks.add(entries);
            questions.add(LabelledQuestions.read(set.questions(),
                    entries.stream().map(FaqEntry::id).collect(Collectors.toSet())));
        }
        ModelSource model = options.model().source();
        List<Embedder> embedders = new ArrayList<>();
        Map<String, float[]> vectors;
        try {
            List<Function<List<String>, float[][]>> workers = new ArrayList<>();
            for (int s = 0; s < options.sessions(); s++) {
                Embedder e = Embedder.open(model, Device.CPU, 1);
                embedders.add(e);
                workers.add(e::embedTexts);
            }
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < banks.size(); i++) {
                texts.addAll(FaqIndex.rowTexts(banks.get(i)));
                questions.get(i).forEach(q -> texts.add(q.text()));
            }
            vectors = embedWithProgress(new ParallelEmbedder(workers, 32), texts);
        } finally {
            embedders.forEach(Embedder::close);
        }
        out.printf(Locale.ROOT, "Model %s.%n", model.spec().name());
        PrecisionTarget target = options.target();
        List<SetResult> results = new ArrayList<>();
        for (int i = 0; i < banks.size(); i++) {
            LabelledSet set = options.sets().get(i);
            List<FaqEntry> entries = banks.get(i);
            FaqIndex index = FaqIndex.of(entries, FaqIndex.rowTexts(entries).stream().map(vectors::get).toList());
            List<Outcome> outcomes = new ArrayList<>();
            for (LabelledQuestions.Labelled q : questions.get(i)) {
                outcomes.add(Outcome.of(q, index.search(vectors.get(q.text()), 5)));
            }
            results.add(new SetResult(set, entries.stream().collect(Collectors.toMap(FaqEntry::id, e -> e)), outcomes,
                    RoutingSweep.grid(outcomes)));
            long answerable = outcomes.stream().filter(Outcome::answerable).count();
            long right = outcomes.stream().filter(Outcome::firstIsRight).count();
            out.printf(Locale.ROOT, "%nBank %s: %s.%n", set.bank(), LiveBanks.describe(index));
            out.printf(Locale.ROOT, "Questions %s: %d, %d answerable, %d without an entry.%n", set.questions(),
                    outcomes.size(), answerable, outcomes.size() - answerable);
            out.printf(Locale.ROOT, "First entry right (recall@1) for %d of %d answerable questions (%.1f%%).%n", right,
                    answerable, percent(right, answerable));
            out.println("With the thresholds given (" + describe(options.given()) + "):");
            out.println("  " + summary(RoutingSweep.evaluate(outcomes, options.given()), target));
        }
        out.println();
        List<List<RoutingSweep.Point>> grids = results.stream().map(SetResult::grid).toList();
        int bestIndex = RoutingSweep.bestForAll(grids, target);
        if (results.size() == 1) {
            printMarginTable(grids.get(0), target, out);
        }
        double margin = bestIndex >= 0 ? grids.get(0).get(bestIndex).thresholds().clarifyMargin()
                : options.given().clarifyMargin();
        for (SetResult r : results) {
            if (results.size() > 1) {
                out.println("Set " + r.set().name() + ":");
            }
            printMinScoreTable(r.grid(), margin, target, out);
        }

        Files.createDirectories(options.out());
        Path png = options.out().resolve("curve.png");
        List<CurvePlot.Line> lines = new ArrayList<>();
        if (results.size() == 1) {
            for (double m : java.util.stream.DoubleStream.concat(java.util.Arrays.stream(PLOTTED_MARGINS),
                    java.util.stream.DoubleStream.of(margin)).distinct().sorted().toArray()) {
                lines.add(new CurvePlot.Line(String.format(Locale.ROOT, "margin %.2f", m), atMargin(grids.get(0), m)));
            }
        } else {
            for (SetResult r : results) {
                lines.add(new CurvePlot.Line(abbreviate(r.set().name(), 40), atMargin(r.grid(), margin)));
            }
        }
        List<RoutingSweep.Point> chosenPoints = bestIndex < 0 ? List.of()
                : grids.stream().map(g -> g.get(bestIndex)).toList();
        CurvePlot.write(png, String.format(Locale.ROOT, "Answer route: precision / coverage over min-score%s",
                results.size() == 1 ? "" : String.format(Locale.ROOT, " (clarify-margin %.2f)", margin)), lines,
                target.precision(), chosenPoints);

        Thresholds recommended = null;
        if (bestIndex < 0) {
            out.printf(Locale.ROOT, "No thresholds reach %s on %s: the model ranks too many wrong entries first"
                            + " with a high score, or too few questions are answered to be sure of the precision. Add"
                            + " similar questions or counter-examples to the entries below, or label more questions,"
                            + " then run again.%n", describe(target), results.size() == 1 ? "these questions" : "every set");
            if (target.answeredNeeded(0) == Integer.MAX_VALUE) {
                out.printf(Locale.ROOT, "No number of answered questions proves %s: lower --target-precision or"
                        + " --confidence.%n", describe(target));
            } else if (!target.asMeasured()) {
                long fewest = results.stream()
                        .mapToLong(r -> r.outcomes().stream().filter(Outcome::answerable).count()).min().orElse(0);
                out.printf(Locale.ROOT, "Proving %s takes at least %,d answered questions with none wrong, %,d with one"
                                + " wrong; %s %d answerable.%n", describe(target), target.answeredNeeded(0),
                        target.answeredNeeded(1), results.size() == 1 ? "these questions hold" : "the smallest set holds",
                        fewest);
            }
            out.println();
        } else {
            recommended = RoutingSweep.withClarifyScore(results.stream().map(SetResult::outcomes).toList(),
                    grids.get(0).get(bestIndex).thresholds(), options.targetToPerson());
            out.printf(Locale.ROOT, "Thresholds that reach %s with the most coverage%s:%n", describe(target),
                    results.size() == 1 ? "" : " on the set that gets least");
            for (SetResult r : results) {
                out.println("  " + (results.size() == 1 ? "" : r.set().name() + ": ")
                        + summary(RoutingSweep.evaluate(r.outcomes(), recommended), target));
            }
            out.println("Paste into flink-conf/faq-matcher.yaml (or pass as --match.… arguments):");
            out.println();
            out.println(yaml(recommended, options.tenant()));
        }
        Thresholds shown = recommended != null ? recommended : options.given();
        Path wrongFile = options.out().resolve("wrong.jsonl");
        int wrongAnswers = 0;
        try (BufferedWriter w = Files.newBufferedWriter(wrongFile, StandardCharsets.UTF_8)) {
            for (SetResult r : results) {
                printConfusions(r.outcomes(), r.byId(), out);
                wrongAnswers += printWrong(r.outcomes(), shown, out).size();
                writeWrong(w, r.outcomes(), shown);
            }
        }
        Path outcomesFile = options.out().resolve("outcomes.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(outcomesFile, StandardCharsets.UTF_8)) {
            for (int i = 0; i < results.size(); i++) {
                for (Outcome o : results.get(i).outcomes()) {
                    w.write(json(o).put("set", i).toString());
                    w.newLine();
                }
            }
        }
        out.printf(Locale.ROOT, "%nCurve: %s; every question whose first entry is wrong: %s (%d answered wrongly at %s);"
                + " every question's first two entries and scores: %s%n", png, wrongFile, wrongAnswers, describe(shown),
                outcomesFile);
        return new Result(results, recommended);
    }

    private static List<RoutingSweep.Point> atMargin(List<RoutingSweep.Point> grid, double margin) {
        return grid.stream().filter(p -> Math.abs(p.thresholds().clarifyMargin() - margin) < 1e-9).toList();
    }

    private static Map<String, float[]> embedWithProgress(ParallelEmbedder embedder, List<String> texts) {
        List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(texts));
        Map<String, float[]> vectors = new HashMap<>();
        int chunk = 512;
        long start = System.nanoTime();
        for (int from = 0; from < distinct.size(); from += chunk) {
            vectors.putAll(embedder.embedDistinct(distinct.subList(from, Math.min(distinct.size(), from + chunk))));
            progress(vectors.size(), distinct.size(), start);
        }
        System.err.println();
        return vectors;
    }

    private static void progress(int done, int all, long startNanos) {
        int width = 30;
        int filled = (int) ((long) width * done / all);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.err.printf(Locale.ROOT, "\rEmbedding [%s%s] %d/%d texts, %.0f s", "#".repeat(filled),
                " ".repeat(width - filled), done, all, seconds);
    }

    private static void printMarginTable(List<RoutingSweep.Point> grid, PrecisionTarget target, PrintStream out) {
        out.printf(Locale.ROOT, "Most coverage at %s, per clarify-margin:%n%n", describe(target));
        out.println("| clarify-margin | min-score | answered | precision | at least | coverage |");
        out.println("|---:|---:|---:|---:|---:|---:|");
        for (int g = 0; g * RoutingSweep.STEP <= RoutingSweep.MARGIN_TO + 1e-9; g += g < 6 ? 1 : 3) {
            double margin = RoutingSweep.round(g * RoutingSweep.STEP);
            RoutingSweep.Point p = RoutingSweep.best(grid.stream()
                    .filter(q -> Math.abs(q.thresholds().clarifyMargin() - margin) < 1e-9).toList(), target);
            out.println(p == null ? String.format(Locale.ROOT, "| %.2f | none | | | | |", margin)
                    : String.format(Locale.ROOT, "| %.2f | %.2f | %d | %.1f%% | %.1f%% | %.1f%% |", margin,
                            p.thresholds().minScore(), p.answered(), 100 * p.precision(), 100 * target.lowerBound(p),
                            100 * p.coverage()));
        }
        out.println();
    }

    private static void printMinScoreTable(List<RoutingSweep.Point> grid, double margin, PrecisionTarget target,
            PrintStream out) {
        out.printf(Locale.ROOT, "Precision and coverage over min-score, clarify-margin %.2f (\"at least\": the precision's"
                + " lower bound at %.0f%% confidence):%n%n", margin, 100 * target.confidence());
        out.println("| min-score | answered | right | precision | at least | coverage |");
        out.println("|---:|---:|---:|---:|---:|---:|");
        for (RoutingSweep.Point p : grid) {
            double m = p.thresholds().minScore();
            if (Math.abs(p.thresholds().clarifyMargin() - margin) < 1e-9 && Math.round(m * 100) % 5 == 0
                    && p.answered() > 0) {
                out.printf(Locale.ROOT, "| %.2f | %d | %d | %.1f%% | %.1f%% | %.1f%% |%n", m, p.answered(),
                        p.answeredRight(), 100 * p.precision(), 100 * target.lowerBound(p), 100 * p.coverage());
            }
        }
        out.println();
    }

    static String summary(RoutingSweep.Point p, PrecisionTarget target) {
        String atLeast = p.answered() == 0 || target.asMeasured() ? ""
                : String.format(Locale.ROOT, "; at least %.1f%% at %.0f%% confidence", 100 * target.lowerBound(p),
                        100 * target.confidence());
        return String.format(Locale.ROOT, "answer precision %s (%d right of %d answered%s), coverage %.1f%% of %d answerable;"
                        + " without an entry: %s to a person (of %d); routes %s",
                p.answered() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * p.precision()), p.answeredRight(),
                p.answered(), atLeast, 100 * p.coverage(), p.answerable(),
                p.withoutEntry() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * p.withoutEntryToPerson()),
                p.withoutEntry(), routes(p.routes()));
    }

    private static String routes(Map<Route, Integer> routes) {
        return routes.entrySet().stream().map(e -> e.getKey().code() + "=" + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** "95% precision at 95% confidence", or "95% precision" where the measured precision is taken as it is. */
    static String describe(PrecisionTarget t) {
        return t.asMeasured() ? String.format(Locale.ROOT, "%.0f%% precision", 100 * t.precision())
                : String.format(Locale.ROOT, "%.0f%% precision at %.0f%% confidence", 100 * t.precision(),
                        100 * t.confidence());
    }

    static String describe(Thresholds t) {
        return String.format(Locale.ROOT, "min-score %.2f, clarify-score %.2f, clarify-margin %.2f", t.minScore(),
                t.clarifyScore(), t.clarifyMargin());
    }

    static String yaml(Thresholds t, String tenant) {
        String values = String.format(Locale.ROOT, "min-score: %.2f%nclarify-score: %.2f%nclarify-margin: %.2f",
                t.minScore(), t.clarifyScore(), t.clarifyMargin());
        String indent = tenant == null ? "  " : "      ";
        String head = tenant == null ? "match:\n" : "match:\n  tenant:\n    " + tenant + ":\n";
        return head + values.lines().map(l -> indent + l).collect(Collectors.joining("\n"));
    }

    private static void printConfusions(List<Outcome> outcomes, Map<String, FaqEntry> byId, PrintStream out) {
        Map<List<String>, Integer> pairs = RoutingSweep.confusedPairs(outcomes);
        out.println();
        out.println("Entries most often ranked first instead of the labelled one (merge them, or give the labelled"
                + " entry similar questions and the other counter-examples):");
        if (pairs.isEmpty()) {
            out.println("  none");
        }
        pairs.entrySet().stream().limit(10).forEach(e -> out.printf(Locale.ROOT, "  %dx  %s %s  <-  %s %s%n",
                e.getValue(), e.getKey().get(0), abbreviate(byId.get(e.getKey().get(0)).question(), 24),
                e.getKey().get(1), abbreviate(byId.get(e.getKey().get(1)).question(), 24)));
    }

    private static List<Outcome> printWrong(List<Outcome> outcomes, Thresholds t, PrintStream out) {
        List<Outcome> wrong = outcomes.stream()
                .filter(o -> t.route(o.best(), o.second(), o.outOfScope()) == Route.ANSWER && !o.firstIsRight())
                .toList();
        out.println();
        out.println("Answered wrongly at " + describe(t) + ": " + wrong.size());
        wrong.stream().limit(20).forEach(o -> out.printf(Locale.ROOT, "  %s %s -> %s (%.2f, via '%s'), expected %s%n",
                o.id(), abbreviate(o.text(), 24), o.first(), o.best(), abbreviate(o.firstText(), 16),
                o.expected() == null ? "no entry" : o.expected()));
        return wrong;
    }

    private static void writeWrong(BufferedWriter w, List<Outcome> outcomes, Thresholds t) throws IOException {
        for (Outcome o : outcomes) {
            boolean firstWrong = o.answerable() ? !o.firstIsRight() : o.first() != null;
            Route route = t.route(o.best(), o.second(), o.outOfScope());
            if (!firstWrong || (!o.answerable() && route == Route.HUMAN)) {
                continue;
            }
            w.write(json(o).put("route", route.code()).toString());
            w.newLine();
        }
    }

    /** One question's outcome as a JSON line of wrong.jsonl and outcomes.jsonl. */
    private static ObjectNode json(Outcome o) {
        return JSON.createObjectNode().put("id", o.id()).put("text", o.text()).put("expected_faq_id", o.expected())
                .put("first", o.first()).put("matched_text", o.firstText()).put("score", o.best())
                .put("second", o.secondId()).put("second_score", o.second()).put("out_of_scope", o.outOfScope());
    }

    private static String abbreviate(String s, int max) {
        return s == null ? "-" : s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static double percent(long part, long all) {
        return all == 0 ? Double.NaN : 100.0 * part / all;
    }
}
