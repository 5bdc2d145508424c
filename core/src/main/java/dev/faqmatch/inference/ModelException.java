package dev.faqmatch.inference;

/** A model that cannot be used; the message says which file or setting to fix. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
