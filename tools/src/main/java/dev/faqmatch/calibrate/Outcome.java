package dev.faqmatch.calibrate;

import dev.faqmatch.faq.BankHits;

/**
 * What the bank found for one labelled question, as much as routing needs: the first answerable
 * entry, the scores of the first two, and whether an out-of-scope example won.
 *
 * @param expected the labelled entry, null for a question no entry answers
 * @param first the first answerable entry's id, null when the bank found none
 * @param firstText the phrasing of {@code first} that matched
 * @param secondId the second entry's id, null when none
 */
public record Outcome(String id, String text, String expected, String first, String firstText, double best,
        String secondId, double second, boolean outOfScope) {

    public static Outcome of(LabelledQuestions.Labelled q, BankHits hits) {
        var m = hits.matches();
        return new Outcome(q.id(), q.text(), q.expected(), m.isEmpty() ? null : m.get(0).entry().id(),
                m.isEmpty() ? null : m.get(0).matchedText(), hits.best(), m.size() < 2 ? null : m.get(1).entry().id(),
                hits.second(), hits.outOfScopeWins());
    }

    public boolean answerable() {
        return expected != null;
    }

    /** Whether the first entry is the labelled one (false for a question no entry answers). */
    public boolean firstIsRight() {
        return expected != null && expected.equals(first);
    }
}
