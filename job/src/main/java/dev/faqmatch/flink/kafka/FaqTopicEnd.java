package dev.faqmatch.flink.kafka;

import dev.faqmatch.config.MatcherConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the FAQ topic ends when the job is submitted: what a starting job reads before it answers
 * questions. Looked up once, on the client, so that no task opens an admin client and no Kafka
 * credentials travel to the operators for it.
 */
public final class FaqTopicEnd {
    private FaqTopicEnd() {}

    /** Offset of the last record per non-empty partition; empty when the topic is empty or does not exist. */
    public static Map<Integer, Long> lastOffsets(MatcherConfig config) {
        String faqsTopic = config.get(MatcherConfig.FAQS_TOPIC);
        Map<Integer, Long> last = new HashMap<>();
        Set<String> topics = KafkaPreflight.ask(config, "list the topics", admin -> admin.listTopics().names());
        if (!topics.contains(faqsTopic)) {
            return last; // the FAQ source picks the topic up when it is created
        }
        TopicDescription topic = KafkaPreflight.ask(config, "describe FAQ topic '" + faqsTopic + "'",
                admin -> admin.describeTopics(List.of(faqsTopic)).allTopicNames()).get(faqsTopic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        topic.partitions().forEach(p -> {
            latest.put(new TopicPartition(faqsTopic, p.partition()), OffsetSpec.latest());
            earliest.put(new TopicPartition(faqsTopic, p.partition()), OffsetSpec.earliest());
        });
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = KafkaPreflight.ask(config,
                "list the end offsets of FAQ topic '" + faqsTopic + "'", admin -> admin.listOffsets(latest).all());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = KafkaPreflight.ask(config,
                "list the start offsets of FAQ topic '" + faqsTopic + "'", admin -> admin.listOffsets(earliest).all());
        ends.forEach((tp, end) -> {
            if (end.offset() > starts.get(tp).offset()) {
                last.put(tp.partition(), end.offset() - 1);
            }
        });
        return last;
    }
}
