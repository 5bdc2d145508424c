package dev.faqmatch.tools;

import dev.faqmatch.faq.FaqBankReader;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqRecords;
import dev.faqmatch.testkit.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code deploy/faq-publish.sh FILE --tenant T}: makes tenant T's bank on the FAQ topic equal to
 * a bank file. Each entry is published as an upsert (unless the topic already holds it exactly),
 * and each entry of T the topic holds but the file no longer has is deleted with a tombstone. The
 * topic's current entries of T are read first, to the end, so that the deletions are the right ones.
 */
public final class FaqPublish {
    private static final String USAGE = String.join("\n",
            "usage: deploy/faq-publish.sh FILE --tenant T [--topic faqs] [--bootstrap-servers localhost:19092]"
                    + " [--keep-missing]",
            "  FILE               the bank: JSON lines of id, question, answer, tags (as faq.bank)",
            "  --tenant T         the tenant whose bank FILE is",
            "  --topic NAME       the FAQ topic (default faqs)",
            "  --bootstrap-servers the brokers (default localhost:19092, the broker of deploy/local.sh)",
            "  --keep-missing     do not delete the tenant's entries that FILE does not have");

    private FaqPublish() {}

    /** What one run did. */
    public record Result(int upserts, int unchanged, int deletes) {}

    public static void main(String[] args) throws Exception {
        String file = null;
        String tenant = null;
        String topic = "faqs";
        String bootstrap = "localhost:19092";
        boolean keepMissing = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tenant" -> tenant = args[++i];
                case "--topic" -> topic = args[++i];
                case "--bootstrap-servers" -> bootstrap = args[++i];
                case "--keep-missing" -> keepMissing = true;
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> {
                    if (args[i].startsWith("--") || file != null) {
                        System.err.println("unexpected argument '" + args[i] + "'\n" + USAGE);
                        System.exit(2);
                    }
                    file = args[i];
                }
            }
        }
        if (file == null || tenant == null || !FaqRecords.TENANT.matcher(tenant).matches()) {
            System.err.println((tenant != null ? "invalid tenant '" + tenant + "': letters, digits, '_' and '-'\n" : "")
                    + USAGE);
            System.exit(2);
        }
        Result r = publish(bootstrap, topic, tenant, FaqBankReader.read(file), !keepMissing);
        System.out.printf("Tenant '%s' on topic '%s': %d upserts, %d unchanged, %d deletes.%n", tenant, topic,
                r.upserts(), r.unchanged(), r.deletes());
    }

    /** Publishes {@code entries} as tenant's bank; with {@code deleteMissing}, tombstones for the rest. */
    public static Result publish(String bootstrap, String topic, String tenant, List<FaqEntry> entries,
            boolean deleteMissing) throws Exception {
        Map<String, byte[]> current = currentValues(bootstrap, topic, tenant);
        int upserts = 0;
        int unchanged = 0;
        int deletes = 0;
        Set<String> inFile = new HashSet<>();
        Map<String, Object> acks = Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, acks)) {
            for (FaqEntry e : entries) {
                String key = FaqRecords.key(tenant, e.id());
                inFile.add(key);
                byte[] value = FaqRecords.upsertJson(tenant, e);
                if (java.util.Arrays.equals(current.get(key), value)) {
                    unchanged++;
                    continue;
                }
                producer.send(new ProducerRecord<>(topic, utf8(key), value)).get();
                upserts++;
            }
            if (deleteMissing) {
                for (String key : new TreeSet<>(current.keySet())) {
                    if (!inFile.contains(key)) {
                        producer.send(new ProducerRecord<>(topic, utf8(key), null)).get();
                        deletes++;
                    }
                }
            }
        }
        return new Result(upserts, unchanged, deletes);
    }

    /** The latest value of each of the tenant's keys on the topic (deleted keys absent), read to the end. */
    public static Map<String, byte[]> currentValues(String bootstrap, String topic, String tenant) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        Map<String, byte[]> values = new HashMap<>();
        String prefix = tenant + "/";
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("topic '" + topic + "' does not exist at " + bootstrap
                        + " (create it compacted: cleanup.policy=compact)");
            }
            List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith(prefix)) {
                        if (r.value() == null) {
                            values.remove(key);
                        } else {
                            values.put(key, r.value());
                        }
                    }
                }
            }
        }
        return values;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
