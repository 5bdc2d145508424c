package dev.faqmatch.calibrate;

import dev.faqmatch.match.Route;
import dev.faqmatch.match.Thresholds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer route's precision and coverage over a grid of thresholds, on labelled questions.
 * <ul>
 *   <li>precision: of the questions routed {@code answer}, the share whose first entry is the
 *       labelled one (an answered question without an entry is wrong);</li>
 *   <li>coverage: of the questions an entry answers, the share routed {@code answer};</li>
 *   <li>to a person: of the questions without an entry, the share routed {@code human}.</li>
 * </ul>
 * Routes come from {@link Thresholds}, the job's own rule.
 */
public final class RoutingSweep {
    public static final double MIN_SCORE_FROM = 0.30;
    public static final double MIN_SCORE_TO = 0.99;
    public static final double MARGIN_TO = 0.15;
    public static final double STEP = 0.01;

    /** The figures of one set of thresholds. */
    public record Point(Thresholds thresholds, int answered, int answeredRight, int answerable, double precision,
            double coverage, int withoutEntry, double withoutEntryToPerson, Map<Route, Integer> routes) {}

    private RoutingSweep() {}

    /** The figures of {@code thresholds} on {@code outcomes}. */
    public static Point evaluate(List<Outcome> outcomes, Thresholds thresholds) {
        int answered = 0;
        int right = 0;
        int answerable = 0;
        int withoutEntry = 0;
        int withoutEntryHuman = 0;
        Map<Route, Integer> routes = new EnumMap<>(Route.class);
        for (Route r : Route.values()) {
            routes.put(r, 0);
        }
        for (Outcome o : outcomes) {
            Route route = thresholds.route(o.best(), o.second(), o.outOfScope());
            routes.merge(route, 1, Integer::sum);
            answerable += o.answerable() ? 1 : 0;
            if (route == Route.ANSWER) {
                answered += o.answerable() ? 1 : 0;
                right += o.firstIsRight() ? 1 : 0;
            }
            if (!o.answerable()) {
                withoutEntry++;
                withoutEntryHuman += route == Route.HUMAN ? 1 : 0;
            }
        }
        int allAnswered = routes.get(Route.ANSWER);
        return new Point(thresholds, allAnswered, right, answerable, allAnswered == 0 ? Double.NaN : (double) right / allAnswered,
                answerable == 0 ? Double.NaN : (double) answered / answerable, withoutEntry,
                withoutEntry == 0 ? Double.NaN : (double) withoutEntryHuman / withoutEntry, routes);
    }

    /** Every (min-score, margin) of the grid, clarify-score at min-score (it does not change the answer route). */
    public static List<Point> grid(List<Outcome> outcomes) {
        List<Point> points = new ArrayList<>();
        for (int m = 0; MIN_SCORE_FROM + m * STEP <= MIN_SCORE_TO + 1e-9; m++) {
            double minScore = round(MIN_SCORE_FROM + m * STEP);
            for (int g = 0; g * STEP <= MARGIN_TO + 1e-9; g++) {
                points.add(evaluate(outcomes, new Thresholds(minScore, minScore, round(g * STEP))));
            }
        }
        return points;
    }

    /**
     * The grid point with the most coverage among those that reach {@code target} (ties: the higher
     * precision, then the lower min-score and margin); null when none does.
     */
    public static Point best(List<Point> grid, PrecisionTarget target) {
        int i = bestForAll(List.of(grid), target);
        return i < 0 ? null : grid.get(i);
    }

    /**
     * Over several labelled sets (banks, or tenants) at once, the thresholds that reach {@code target}
     * on every set, with the most coverage on the set that gets least (ties: the higher worst
     * precision, then the lower min-score and margin); -1 when none does. The grids must come from
     * {@link #grid} (same order).
     *
     * @return the index into the grids, or -1
     */
    public static int bestForAll(List<List<Point>> grids, PrecisionTarget target) {
        int best = -1;
        double bestCoverage = -1;
        double bestPrecision = -1;
        for (int i = 0; i < grids.get(0).size(); i++) {
            double coverage = Double.POSITIVE_INFINITY;
            double precision = Double.POSITIVE_INFINITY;
            for (List<Point> grid : grids) {
                Point p = grid.get(i);
                if (!target.reachedBy(p)) {
                    coverage = -1;
                    break;
                }
                coverage = Math.min(coverage, p.coverage());
                precision = Math.min(precision, p.precision());
            }
            if (coverage < 0) {
                continue;
            }
            if (coverage > bestCoverage || (coverage == bestCoverage && precision > bestPrecision)) {
                best = i;
                bestCoverage = coverage;
                bestPrecision = precision;
            }
        }
        return best;
    }

    /**
     * The clarify-score for {@code chosen}: the lowest one (in steps of 0.01, at most min-score) that
     * sends at least {@code targetToPerson} of the questions without an entry to a person, in every
     * set that has such questions; min-score when none does, and min-score minus 0.10 when no set has
     * such a question.
     */
    public static Thresholds withClarifyScore(List<List<Outcome>> sets, Thresholds chosen, double targetToPerson) {
        double minScore = chosen.minScore();
        List<List<Outcome>> withUnanswerable = sets.stream()
                .filter(outcomes -> outcomes.stream().anyMatch(o -> !o.answerable())).toList();
        if (withUnanswerable.isEmpty()) {
            return new Thresholds(minScore, round(Math.max(-1, minScore - 0.10)), chosen.clarifyMargin());
        }
        for (int c = 0; ; c++) {
            double clarify = round(MIN_SCORE_FROM - 0.2 + c * STEP);
            if (clarify >= minScore) {
                return new Thresholds(minScore, minScore, chosen.clarifyMargin());
            }
            Thresholds t = new Thresholds(minScore, clarify, chosen.clarifyMargin());
            if (withUnanswerable.stream().allMatch(o -> evaluate(o, t).withoutEntryToPerson() >= targetToPerson)) {
                return t;
            }
        }
    }

    /** Pairs of entries the model confuses: (labelled, ranked first instead), most frequent first. */
    public static Map<List<String>, Integer> confusedPairs(List<Outcome> outcomes) {
        Map<List<String>, Integer> counts = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            if (o.answerable() && o.first() != null && !o.firstIsRight()) {
                counts.merge(List.of(o.expected(), o.first()), 1, Integer::sum);
            }
        }
        List<Map.Entry<List<String>, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<List<String>, Integer>comparingByValue().reversed());
        Map<List<String>, Integer> out = new LinkedHashMap<>();
        sorted.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
