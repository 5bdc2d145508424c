package dev.faqmatch.flink.kafka;

import dev.faqmatch.config.ConfigException;
import dev.faqmatch.config.MatcherConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaFuture;

/**
 * Checks, before the job is submitted, that Kafka answers and the job's topics exist, so that a
 * wrong address or a missing topic is one clear line at start rather than a job that restarts
 * forever. Every question the job asks Kafka on the client goes through {@link #ask}, so that each
 * failure reads the same way and names the settings to fix.
 */
public final class KafkaPreflight {
    private KafkaPreflight() {}

    public static void check(MatcherConfig config) {
        Set<String> existing = ask(config, "list the topics", admin -> admin.listTopics().names());
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> topic : Map.of(
                MatcherConfig.QUESTIONS_TOPIC.key(), config.get(MatcherConfig.QUESTIONS_TOPIC),
                MatcherConfig.MATCHES_TOPIC.key(), config.get(MatcherConfig.MATCHES_TOPIC),
                MatcherConfig.DEAD_LETTER_TOPIC.key(), config.get(MatcherConfig.DEAD_LETTER_TOPIC)).entrySet()) {
            if (!existing.contains(topic.getValue())) {
                missing.add("'" + topic.getValue() + "' (setting '" + topic.getKey() + "')");
            }
        }
        if (!missing.isEmpty()) {
            missing.sort(null);
            throw new ConfigException("Kafka at " + config.get(MatcherConfig.BOOTSTRAP_SERVERS) + " has no topic " + String.join(", ", missing)
                    + ": create it, or point the setting at an existing topic.");
        }
    }

    /** One request of an admin client, made on the client. */
    @FunctionalInterface
    interface Request<T> {
        KafkaFuture<T> send(Admin admin);
    }

    /** Requests through one admin client; {@code timeoutMs} bounds each wait for an answer. */
    @FunctionalInterface
    interface Conversation<T> {
        T run(Admin admin, long timeoutMs) throws InterruptedException, ExecutionException, TimeoutException;
    }

    /**
     * Sends {@code request} through a short-lived admin client and waits up to
     * {@code kafka.startup-timeout} for its answer.
     *
     * @param what what is asked, for the message ("list the topics")
     */
    static <T> T ask(MatcherConfig config, String what, Request<T> request) {
        return talk(config, what, (admin, timeoutMs) -> request.send(admin).get(timeoutMs, TimeUnit.MILLISECONDS));
    }

    /**
     * Runs {@code conversation} with one short-lived admin client, each answer awaited up to
     * {@code kafka.startup-timeout}; every failure becomes a {@link ConfigException} that says what
     * was asked and which settings to check.
     */
    static <T> T talk(MatcherConfig config, String what, Conversation<T> conversation) {
        Properties props = KafkaClientConfig.admin(config);
        int timeoutMs = (int) config.get(MatcherConfig.KAFKA_STARTUP_TIMEOUT).toMillis();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 10_000));
        try (Admin admin = Admin.create(props)) {
            return conversation.run(admin, timeoutMs);
        } catch (TimeoutException e) {
            throw unreachable(config, what);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(config, what);
            }
            throw new ConfigException("Kafka at " + config.get(MatcherConfig.BOOTSTRAP_SERVERS) + " refused to " + what + ": "
                    + cause.getMessage() + " (settings 'kafka.bootstrap-servers' and 'kafka.client.*')", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while asking Kafka at " + config.get(MatcherConfig.BOOTSTRAP_SERVERS)
                    + " to " + what);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new ConfigException("Kafka client settings are invalid: " + e.getMessage()
                    + " (settings 'kafka.bootstrap-servers' and 'kafka.client.*')", e);
        }
    }

    private static ConfigException unreachable(MatcherConfig config, String what) {
        return new ConfigException("Kafka at " + config.get(MatcherConfig.BOOTSTRAP_SERVERS) + " is unreachable (no answer to '"
                + what + "' within " + config.get(MatcherConfig.KAFKA_STARTUP_TIMEOUT).toSeconds() + " s): check"
                + " 'kafka.bootstrap-servers' (and 'kafka.startup-timeout').");
    }
}
