package dev.faqmatch.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.faqmatch.match.Route;
import dev.faqmatch.match.Thresholds;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingSweepTest {
    private static Outcome q(String expected, String first, double best, double second) {
        return new Outcome("q", "t", expected, first, "t", best, "x", second, false);
    }

    /** Six questions: three right with high scores, one wrong with a high score, one unanswerable, one out of scope. */
    private static final List<Outcome> OUTCOMES = List.of(
            q("a", "a", 0.95, 0.70), q("b", "b", 0.90, 0.60), q("c", "c", 0.80, 0.78),
            q("d", "e", 0.85, 0.50), q(null, "a", 0.60, 0.55),
            new Outcome("q", "t", null, "a", "t", 0.70, "b", 0.60, true));

    @Test
    void precisionCoverageAndWhereQuestionsWithoutAnEntryGo() {
        RoutingSweep.Point p = RoutingSweep.evaluate(OUTCOMES, new Thresholds(0.8, 0.65, 0.0));
        // answered: a, b, c, d (wrong); the unanswerable one at 0.60 < 0.65 goes human, the last is out of scope
        assertThat(p.answered()).isEqualTo(4);
        assertThat(p.answeredRight()).isEqualTo(3);
        assertThat(p.precision()).isCloseTo(0.75, within(1e-12));
        assertThat(p.coverage()).isCloseTo(1.0, within(1e-12));
        assertThat(p.withoutEntryToPerson()).isCloseTo(1.0, within(1e-12));
        assertThat(p.routes()).containsEntry(Route.ANSWER, 4).containsEntry(Route.HUMAN, 2);
        RoutingSweep.Point margin = RoutingSweep.evaluate(OUTCOMES, new Thresholds(0.8, 0.5, 0.05));
        // c (0.80 vs 0.78) now clarifies; the unanswerable one (0.60 >= 0.5) clarifies too
        assertThat(margin.answered()).isEqualTo(3);
        assertThat(margin.withoutEntryToPerson()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void theBestThresholdsReachTheTargetWithTheMostCoverage() {
        List<RoutingSweep.Point> grid = RoutingSweep.grid(OUTCOMES);
        RoutingSweep.Point best = RoutingSweep.best(grid, PrecisionTarget.measured(0.95));
        // d (wrong, 0.85) must be left out: min-score above 0.85 answers a and b; or a margin
        // above 0.35 leaves d out too, but also b (margin 0.30) and c: min-score 0.86 wins
        assertThat(best.thresholds().minScore()).isEqualTo(0.86);
        assertThat(best.thresholds().clarifyMargin()).isEqualTo(0.0);
        assertThat(best.precision()).isEqualTo(1.0);
        assertThat(best.coverage()).isCloseTo(0.5, within(1e-12));
        assertThat(RoutingSweep.best(grid, new PrecisionTarget(1.0, 0.95))).as("2 of 2 right is not sure to be 100%%").isNull();
    }

    @Test
    void wilsonsLowerBound() {
        PrecisionTarget sure = new PrecisionTarget(0.95, 0.95);
        // Wilson's score interval, one-sided at 95% (z = 1.6449)
        assertThat(sure.lowerBound(19, 20)).isCloseTo(0.80399, within(1e-5));
        assertThat(sure.lowerBound(60, 60)).isCloseTo(0.95685, within(1e-5));
        assertThat(sure.lowerBound(220, 231)).isCloseTo(0.92364, within(1e-5));
        assertThat(sure.lowerBound(0, 0)).isNaN();
        assertThat(PrecisionTarget.measured(0.95).lowerBound(19, 20)).isEqualTo(0.95);
        assertThat(new PrecisionTarget(0.95, 0.99).lowerBound(19, 20)).isLessThan(sure.lowerBound(19, 20));
    }

    @Test
    void answeredQuestionsNeededToProveATarget() {
        PrecisionTarget sure = new PrecisionTarget(0.95, 0.95);
        assertThat(sure.answeredNeeded(0)).isEqualTo(52);
        assertThat(sure.lowerBound(51, 51)).isLessThan(0.95);
        assertThat(sure.answeredNeeded(1)).isEqualTo(87);
        assertThat(sure.lowerBound(85, 86)).isLessThan(0.95);
        assertThat(PrecisionTarget.measured(0.95).answeredNeeded(0)).isEqualTo(1);
        assertThat(PrecisionTarget.measured(0.95).answeredNeeded(1)).isEqualTo(20);
        assertThat(new PrecisionTarget(1.0, 0.95).answeredNeeded(0)).isEqualTo(Integer.MAX_VALUE);
        assertThat(PrecisionTarget.measured(1.0).answeredNeeded(0)).isEqualTo(1);
    }

    @Test
    void withConfidenceThePrecisionMustRestOnEnoughAnswers() {
        // 60 right at 0.90, one wrong at 0.80, 10 right at 0.75: min-score 0.75 answers 70 of 71 right (98.6%, at
        // least 93.9% at 95% confidence); only above 0.80 (60 of 60, at least 95.7%) is 95% certain
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            outcomes.add(q("a", "a", 0.90, 0.1));
        }
        outcomes.add(q("b", "c", 0.80, 0.1));
        for (int i = 0; i < 10; i++) {
            outcomes.add(q("d", "d", 0.75, 0.1));
        }
        List<RoutingSweep.Point> grid = RoutingSweep.grid(outcomes);
        assertThat(RoutingSweep.best(grid, PrecisionTarget.measured(0.95)).thresholds().minScore()).isEqualTo(0.30);
        RoutingSweep.Point sure = RoutingSweep.best(grid, new PrecisionTarget(0.95, 0.95));
        assertThat(sure.thresholds().minScore()).isEqualTo(0.81);
        assertThat(sure.answered()).isEqualTo(60);
        assertThat(RoutingSweep.best(grid, new PrecisionTarget(0.96, 0.95))).as("60 of 60 is not 96%% at 95%% confidence").isNull();
    }

    @Test
    void severalSetsGetTheThresholdsOfTheSetThatGetsLeast() {
        List<Outcome> easy = List.of(q("a", "a", 0.75, 0.1), q("b", "b", 0.75, 0.1));
        int i = RoutingSweep.bestForAll(List.of(RoutingSweep.grid(OUTCOMES), RoutingSweep.grid(easy)), PrecisionTarget.measured(0.95));
        // OUTCOMES needs min-score > 0.85, where the easy set answers nothing: no thresholds serve both
        assertThat(i).isEqualTo(-1);
        List<Outcome> easier = List.of(q("a", "a", 0.99, 0.1), q("b", "b", 0.75, 0.1));
        i = RoutingSweep.bestForAll(List.of(RoutingSweep.grid(OUTCOMES), RoutingSweep.grid(easier)), PrecisionTarget.measured(0.95));
        assertThat(RoutingSweep.grid(OUTCOMES).get(i).thresholds().minScore()).isEqualTo(0.86);
    }

    @Test
    void clarifyScoreSendsTheTargetShareOfQuestionsWithoutAnEntryToAPerson() {
        List<Outcome> unanswerable = List.of(q(null, "a", 0.50, 0.1), q(null, "a", 0.60, 0.1), q(null, "a", 0.70, 0.1),
                q("a", "a", 0.9, 0.1));
        Thresholds t = RoutingSweep.withClarifyScore(List.of(unanswerable), new Thresholds(0.8, 0.8, 0.02), 0.6);
        assertThat(t.clarifyScore()).isEqualTo(0.61); // 0.50 and 0.60 below it: 2 of 3
        assertThat(t.minScore()).isEqualTo(0.8);
        assertThat(RoutingSweep.withClarifyScore(List.of(unanswerable), new Thresholds(0.8, 0.8, 0.02), 1.0)
                .clarifyScore()).isEqualTo(0.71);
        assertThat(RoutingSweep.withClarifyScore(List.of(List.of(q("a", "a", 0.9, 0.1))), new Thresholds(0.8, 0.8, 0), 0.9)
                .clarifyScore()).as("no question without an entry").isEqualTo(0.7);
    }

    @Test
    void confusedPairsCountLabelledAgainstFirst() {
        var pairs = RoutingSweep.confusedPairs(List.of(q("d", "e", 0.8, 0.1), q("d", "e", 0.7, 0.1), q("a", "b", 0.5, 0.1),
                q("a", "a", 0.9, 0.1)));
        assertThat(pairs).containsExactly(java.util.Map.entry(List.of("d", "e"), 2), java.util.Map.entry(List.of("a", "b"), 1));
    }
}
