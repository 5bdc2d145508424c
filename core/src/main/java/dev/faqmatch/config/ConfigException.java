package dev.faqmatch.config;

/** A configuration the job cannot start with; the message names the setting and what is allowed. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
