package dev.faqmatch.inference;

/** A batch that could not be embedded; not the data's fault (the model or runtime failed). */
public class InferenceException extends RuntimeException {
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
