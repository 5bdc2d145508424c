package dev.faqmatch.event;

import java.util.Locale;

/** Why a record is not a valid question. */
public class InvalidQuestionException extends Exception {

    /** Reasons, as written (lower case) in dead letters. */
    public enum Reason {
        EMPTY_RECORD, INVALID_UTF8, INVALID_JSON, NOT_AN_OBJECT, MISSING_ID, INVALID_ID, MISSING_TEXT,
        INVALID_TEXT, TEXT_TOO_LONG, INVALID_FIELD,
        /** A question for a tenant that has no FAQ bank (and no match.fallback-tenant is set). */
        UNKNOWN_TENANT,
        /** A record of the FAQ topic that is not a valid upsert or tombstone. */
        INVALID_FAQ;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public InvalidQuestionException(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
