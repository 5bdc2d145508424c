package dev.faqmatch.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.testkit.KafkaClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** What a read_committed consumer of the job's two output topics saw. */
public final class CommittedOutput {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public final List<JsonNode> matches = new ArrayList<>();
    public final List<JsonNode> deadLetters = new ArrayList<>();
    public final Map<String, Integer> matchesPerId = new HashMap<>();

    public int total() {
        return matches.size() + deadLetters.size();
    }

    public Map<String, JsonNode> matchById() {
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode m : matches) {
            byId.put(m.get("id").asText(), m);
        }
        return byId;
    }

    public Map<String, Integer> deadLettersPerReason() {
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode d : deadLetters) {
            counts.merge(d.get("reason").asText(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Reads until {@code expected} events arrived or {@code timeout} passed, then a few seconds
     * more, so that a duplicate beyond the expected count would be seen.
     *
     * @param progress told the number of events read so far after every poll
     */
    public static CommittedOutput read(String bootstrap, String matchesTopic, String deadLetterTopic, int expected, Duration timeout,
            IntConsumer progress) {
        CommittedOutput events = new CommittedOutput();
        try (KafkaConsumer<byte[], byte[]> consumer =
                KafkaClients.readCommittedConsumer(bootstrap, "reader-" + System.nanoTime())) {
            consumer.subscribe(List.of(matchesTopic, deadLetterTopic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (events.total() < expected && System.nanoTime() < deadline) {
                events.add(consumer.poll(Duration.ofMillis(500)), deadLetterTopic);
                progress.accept(events.total());
            }
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                events.add(consumer.poll(Duration.ofMillis(500)), deadLetterTopic);
            }
        }
        return events;
    }

    private void add(Iterable<ConsumerRecord<byte[], byte[]>> records, String deadLetterTopic) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode event;
            try {
                event = MAPPER.readTree(record.value());
            } catch (IOException e) {
                throw new UncheckedIOException("the job wrote an event that is not JSON", e);
            }
            if (record.topic().equals(deadLetterTopic)) {
                deadLetters.add(event);
            } else {
                matches.add(event);
                matchesPerId.merge(event.get("id").asText(), 1, Integer::sum);
            }
        }
    }
}
