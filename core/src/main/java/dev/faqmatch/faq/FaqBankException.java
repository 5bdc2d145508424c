package dev.faqmatch.faq;

/** An FAQ bank that cannot be used; the message names the file, line and what to fix. */
public class FaqBankException extends RuntimeException {
    public FaqBankException(String message) {
        super(message);
    }

    public FaqBankException(String message, Throwable cause) {
        super(message, cause);
    }
}
