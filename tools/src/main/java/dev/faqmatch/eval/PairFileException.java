package dev.faqmatch.eval;

/** A sentence-pair file that cannot be used; the message names the file, line and what to fix. */
public class PairFileException extends RuntimeException {
    public PairFileException(String message) {
        super(message);
    }

    public PairFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
