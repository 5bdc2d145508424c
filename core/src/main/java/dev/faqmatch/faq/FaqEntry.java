package dev.faqmatch.faq;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One entry of an FAQ bank: a standard question with its answer, the other phrasings customers use
 * for it ({@code similar}), and counter-examples that look close but must not match it
 * ({@code notSimilar}). An {@link Kind#OUT_OF_SCOPE} entry holds examples of what the bank does not
 * answer (chit-chat, greetings, asking for an agent): a question whose best match is such an entry
 * goes to a person.
 *
 * @param answer the answer; for an out-of-scope entry optional (a hand-over message), empty when none
 */
public record FaqEntry(String id, String question, String answer, List<String> tags, List<String> similar,
        List<String> notSimilar, Kind kind) implements Serializable {

    /** What matching the entry means. */
    public enum Kind {
        /** An answerable question (the default). */
        FAQ,
        /** Examples of questions the bank does not answer: the best match being one sends the question to a person. */
        OUT_OF_SCOPE;

        /** As written in bank files and FAQ records ({@code "kind": "out_of_scope"}). */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind written {@code code}, or null for none of them. */
        public static Kind of(String code) {
            for (Kind k : values()) {
                if (k.code().equals(code)) {
                    return k;
                }
            }
            return null;
        }
    }

    public FaqEntry {
        answer = answer == null ? "" : answer;
        tags = tags == null ? List.of() : List.copyOf(tags);
        similar = similar == null ? List.of() : List.copyOf(similar);
        notSimilar = notSimilar == null ? List.of() : List.copyOf(notSimilar);
        kind = kind == null ? Kind.FAQ : kind;
    }

    /** An answerable entry with its standard question only. */
    public FaqEntry(String id, String question, String answer, List<String> tags) {
        this(id, question, answer, tags, List.of(), List.of(), Kind.FAQ);
    }

    /** The texts that may match it: the standard question first, then the similar questions. */
    public List<String> phrasings() {
        List<String> all = new ArrayList<>(1 + similar.size());
        all.add(question);
        all.addAll(similar);
        return all;
    }

    public boolean outOfScope() {
        return kind == Kind.OUT_OF_SCOPE;
    }

    /** Rows this entry takes in an index: its phrasings and its counter-examples. */
    public int rows() {
        return 1 + similar.size() + notSimilar.size();
    }
}
