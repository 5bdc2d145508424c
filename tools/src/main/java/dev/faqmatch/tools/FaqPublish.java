package dev.faqmatch.tools;

import dev.faqmatch.cli.Cli;
import dev.faqmatch.cli.UserPaths;
import dev.faqmatch.faq.FaqBankReader;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqRecords;
import dev.faqmatch.testkit.KafkaClients;
import dev.faqmatch.testkit.Topics;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deploy/faq-publish.sh FILE --tenant T}: makes tenant T's bank on the FAQ topic equal to
 * a bank file. Each entry is published as an upsert (unless the topic already holds it exactly),
 * and each entry of T the topic holds but the file no longer has is deleted with a tombstone. The
 * topic's current entries of T are read first, to the end, so that the deletions are the right ones.
 */
public final class FaqPublish {
    private FaqPublish() {}

    /** What one run did. */
    public record Result(int upserts, int unchanged, int deletes) {}

    @Command(name = "deploy/faq-publish.sh", sortOptions = false,
            description = {"Publishes a bank file as one tenant's bank on the FAQ topic: upserts for new or changed"
                    + " entries, tombstones for the tenant's entries the file no longer has. The running job picks"
                    + " them up live.", ""})
    static final class Options implements Cli.Checked {
        @Parameters(paramLabel = "FILE", converter = UserPaths.LocationConverter.class,
                description = "The bank: JSON lines of id, question, answer, tags (as faq.bank).")
        String file;

        @Option(names = "--tenant", paramLabel = "T", required = true, description = "The tenant whose bank FILE is.")
        String tenant;

        @Option(names = "--topic", paramLabel = "NAME", description = "The FAQ topic (default: ${DEFAULT-VALUE}).")
        String topic = "faqs";

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
                description = "The brokers (default: ${DEFAULT-VALUE}, the broker of deploy/local.sh).")
        String bootstrap = "localhost:" + Topics.LOCAL_BROKER_PORT;

        @Option(names = "--keep-missing", description = "Do not delete the tenant's entries that FILE does not have.")
        boolean keepMissing;

        @Override
        public void check() {
            if (!FaqRecords.TENANT.matcher(tenant).matches()) {
                throw new IllegalArgumentException("invalid tenant '" + tenant + "': letters, digits, '_' and '-'");
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Cli.parseOrExit(new Options(), args);
        Result r = publish(o.bootstrap, o.topic, o.tenant, FaqBankReader.read(o.file), !o.keepMissing);
        System.out.printf("Tenant '%s' on topic '%s': %d upserts, %d unchanged, %d deletes.%n", o.tenant, o.topic,
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
