package dev.faqmatch.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One question per partition of the questions topic, answered before the questions that are
 * timed, so that their latencies do not include the job's start (model load, FAQ bank embedding)
 * on any slot.
 */
public final class WarmUp {
    /** Text of the warm-up questions: short, and answered by any bank. */
    private static final String TEXT = "你好";

    private WarmUp() {}

    /**
     * Publishes the warm-up questions, ids {@code idPrefix + partition}, and waits until
     * {@code matches} (already subscribed to the output) has seen an event for each.
     *
     * @return whether every warm-up question was answered within {@code timeout}
     */
    public static boolean answered(KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> matches,
            String questionsTopic, String idPrefix, Duration timeout) {
        int partitions = producer.partitionsFor(questionsTopic).size();
        Set<String> waiting = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            QuestionRecord question = QuestionRecord.of(idPrefix + p, TEXT).ts(System.currentTimeMillis());
            waiting.add(idPrefix + p);
            producer.send(new ProducerRecord<>(questionsTopic, p, question.key(), question.value()));
        }
        producer.flush();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!waiting.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : matches.poll(Duration.ofMillis(200))) {
                if (record.key() != null) {
                    waiting.remove(new String(record.key(), StandardCharsets.UTF_8));
                }
            }
        }
        return waiting.isEmpty();
    }
}
