package dev.faqmatch.flink;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Where the FAQ topic ends now: what a starting job must have read before it answers questions. */
final class FaqTopicEnd {
    private FaqTopicEnd() {}

    /** Offset of the last record per non-empty partition; empty when the topic is empty or does not exist. */
    static Map<Integer, Long> lastOffsets(KafkaAccess kafka, String faqsTopic) throws Exception {
        Properties props = kafka.properties();
        long timeoutMs = kafka.timeout().toMillis();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        Map<Integer, Long> last = new HashMap<>();
        try (Admin admin = Admin.create(props)) {
            TopicDescription topic;
            try {
                topic = admin.describeTopics(java.util.List.of(faqsTopic)).allTopicNames()
                        .get(timeoutMs, TimeUnit.MILLISECONDS).get(faqsTopic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return last;
                }
                throw e;
            }
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
        }
        return last;
    }
}
