package dev.faqmatch.match;

import java.util.Locale;

/** What to do with a question, from how its best FAQ matches scored. */
public enum Route {
    /** The best entry answers it: its score reached min-score and no other entry is close. */
    ANSWER,
    /** Several entries are close, or the best one is only near min-score: ask the customer which. */
    CLARIFY,
    /** No entry is near: a person should answer. */
    HUMAN;

    /** As written in match events. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
