package dev.faqmatch.match;

import dev.faqmatch.faq.BankHits;
import java.io.Serializable;

/**
 * A tenant's routing thresholds on cosine similarity.
 *
 * @param minScore the best entry's score needed to answer (and for {@code matched: true})
 * @param clarifyScore below it the question goes to a person; from it up to an answer, the bot
 *     asks the customer to choose
 * @param clarifyMargin how far the best entry must be ahead of the second-best to answer; closer
 *     than that, two entries compete and the customer is asked
 */
public record Thresholds(double minScore, double clarifyScore, double clarifyMargin) implements Serializable {
    public Thresholds {
        if (!(clarifyScore <= minScore)) {
            throw new IllegalArgumentException("clarify-score " + clarifyScore + " must not exceed min-score " + minScore);
        }
        if (!(clarifyMargin >= 0)) {
            throw new IllegalArgumentException("clarify-margin must be >= 0, got " + clarifyMargin);
        }
    }

    /**
     * @param best the best entry's score, NaN when the bank is empty
     * @param second the second-best entry's score, NaN when there is none
     */
    public Route route(double best, double second) {
        if (Double.isNaN(best) || best < clarifyScore) {
            return Route.HUMAN;
        }
        boolean clear = Double.isNaN(second) || best - second >= clarifyMargin;
        return best >= minScore && clear ? Route.ANSWER : Route.CLARIFY;
    }

    /**
     * The route of a bank's search result: {@link Route#HUMAN} when an out-of-scope example is at
     * least as close as every answerable entry, else by the scores of the best two entries.
     */
    public Route route(BankHits hits) {
        return route(hits.best(), hits.second(), hits.outOfScopeWins());
    }

    /** {@link #route(BankHits)} from its three figures (the calibration tool's sweep). */
    public Route route(double best, double second, boolean outOfScopeWins) {
        return outOfScopeWins ? Route.HUMAN : route(best, second);
    }

    /** Whether the best answerable entry reaches min-score and no out-of-scope example is as close ({@code matched}). */
    public boolean matched(BankHits hits) {
        return !hits.outOfScopeWins() && matched(hits.best());
    }

    /** Whether the best score alone reaches min-score. */
    public boolean matched(double best) {
        return !Double.isNaN(best) && best >= minScore;
    }
}
