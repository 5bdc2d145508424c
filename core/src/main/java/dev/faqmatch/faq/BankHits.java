package dev.faqmatch.faq;

import java.util.List;

/**
 * What a search of a bank found for one question, with one score per entry (from its closest
 * phrasings, {@link FaqIndex}).
 *
 * @param matches the best answerable entries, best first; entries vetoed by a counter-example are
 *     not among them
 * @param outOfScope the best out-of-scope entry, null when the bank has none (or all are vetoed)
 */
public record BankHits(List<ScoredFaq> matches, ScoredFaq outOfScope) {
    public BankHits {
        matches = List.copyOf(matches);
    }

    /** The best answerable entry's score, NaN when there is none. */
    public double best() {
        return matches.isEmpty() ? Double.NaN : matches.get(0).score();
    }

    /** The second-best answerable entry's score, NaN when there is none. */
    public double second() {
        return matches.size() < 2 ? Double.NaN : matches.get(1).score();
    }

    /** Whether an out-of-scope example is at least as close as every answerable entry: the question is for a person. */
    public boolean outOfScopeWins() {
        return outOfScope != null && (matches.isEmpty() || outOfScope.score() >= matches.get(0).score());
    }
}
