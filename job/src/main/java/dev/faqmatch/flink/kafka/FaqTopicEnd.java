package dev.faqmatch.flink.kafka;

import dev.faqmatch.config.MatcherConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the FAQ topic ends when the job is submitted: what a starting job reads before it answers
 * questions. Looked up once, on the client, through one admin client, so that no task opens one
 * and no Kafka credentials travel to the operators for it.
 */
public final class FaqTopicEnd {
    private FaqTopicEnd() {}

    /** Offset of the last record per non-empty partition; empty when the topic is empty or does not exist. */
    public static Map<Integer, Long> lastOffsets(MatcherConfig config) {
        String faqsTopic = config.get(MatcherConfig.FAQS_TOPIC);
        return KafkaPreflight.talk(config, "read where FAQ topic '" + faqsTopic + "' ends", (admin, timeoutMs) -> {
            Map<Integer, Long> last = new HashMap<>();
            Set<String> topics = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            if (!topics.contains(faqsTopic)) {
                return last; // the FAQ source picks the topic up when it is created
            }
            TopicDescription topic = admin.describeTopics(List.of(faqsTopic)).allTopicNames()
                    .get(timeoutMs, TimeUnit.MILLISECONDS).get(faqsTopic);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            topic.partitions().forEach(p -> {
                latest.put(new TopicPartition(faqsTopic, p.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(faqsTopic, p.partition()), OffsetSpec.earliest());
            });
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                    admin.listOffsets(earliest).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            ends.forEach((tp, end) -> {
                if (end.offset() > starts.get(tp).offset()) {
                    last.put(tp.partition(), end.offset() - 1);
                }
            });
            return last;
        });
    }
}
