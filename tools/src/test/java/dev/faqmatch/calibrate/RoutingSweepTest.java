package dev.faqmatch.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.faqmatch.match.Route;
import dev.faqmatch.match.Thresholds;
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
        RoutingSweep.Point best = RoutingSweep.best(grid, 0.95);
        // d (wrong, 0.85) must be left out: min-score above 0.85 answers a and b; or a margin
        // above 0.35 leaves d out too, but also b (margin 0.30) and c: min-score 0.86 wins
        assertThat(best.thresholds().minScore()).isEqualTo(0.86);
        assertThat(best.thresholds().clarifyMargin()).isEqualTo(0.0);
        assertThat(best.precision()).isEqualTo(1.0);
        assertThat(best.coverage()).isCloseTo(0.5, within(1e-12));
        assertThat(RoutingSweep.best(grid, 1.01)).isNull();
    }

    @Test
    void severalSetsGetTheThresholdsOfTheSetThatGetsLeast() {
        List<Outcome> easy = List.of(q("a", "a", 0.75, 0.1), q("b", "b", 0.75, 0.1));
        int i = RoutingSweep.bestForAll(List.of(RoutingSweep.grid(OUTCOMES), RoutingSweep.grid(easy)), 0.95);
        // OUTCOMES needs min-score > 0.85, where the easy set answers nothing: no thresholds serve both
        assertThat(i).isEqualTo(-1);
        List<Outcome> easier = List.of(q("a", "a", 0.99, 0.1), q("b", "b", 0.75, 0.1));
        i = RoutingSweep.bestForAll(List.of(RoutingSweep.grid(OUTCOMES), RoutingSweep.grid(easier)), 0.95);
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
