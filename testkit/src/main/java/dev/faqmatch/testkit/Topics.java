package dev.faqmatch.testkit;

import dev.faqmatch.config.MatcherConfig;
import java.util.List;

/** The job's topic names and the local broker's port, as the configuration's defaults give them. */
public final class Topics {
    public static final String QUESTIONS = MatcherConfig.QUESTIONS_TOPIC.defaultValue();
    public static final String MATCHES = MatcherConfig.MATCHES_TOPIC.defaultValue();
    public static final String DEAD_LETTERS = MatcherConfig.DEAD_LETTER_TOPIC.defaultValue();
    /** Every topic a job with default settings reads or writes. */
    public static final List<String> DEFAULTS = List.of(QUESTIONS, MATCHES, DEAD_LETTERS);
    /** The port of the broker that deploy/local.sh and deploy/kafka.sh start. */
    public static final int LOCAL_BROKER_PORT = 19092;

    private Topics() {}
}
