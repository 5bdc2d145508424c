package dev.faqmatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.event.InvalidQuestionException;
import dev.faqmatch.event.RawRecord;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqRecords;
import dev.faqmatch.testkit.RunningJob;
import dev.faqmatch.testkit.JobHistory;
import dev.faqmatch.testkit.KafkaBrokerExtension;
import dev.faqmatch.testkit.KafkaClients;
import dev.faqmatch.testkit.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live FAQ banks on a real Flink runtime against a real broker, in one job run (the model loads
 * once): two tenants' banks from the FAQ topic, an edit and a delete seen by the questions asked
 * after them (the delay is measured), unknown tenants and bad FAQ records as dead letters,
 * per-tenant routing, and a lost TaskManager after the updates: the restored job has the updated
 * banks from its state and answers every question exactly once.
 */
class LiveBanksIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FAQS = "lb-faqs";
    private static final String QUESTIONS = "lb-questions";
    private static final String MATCHES = "lb-matches";
    private static final String DLQ = "lb-dlq";
    private static final Duration WAIT = Duration.ofMinutes(2);

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension("kafka-live-banks-it");

    private static final FaqEntry RAISE = new FaqEntry("c-1", "信用卡怎么提高额度", "在APP申请提额。", List.of("额度"));
    private static final FaqEntry RAISE_V2 = new FaqEntry("c-1", "信用卡怎么提高额度", "新规：在APP或致电客服申请提额。", List.of());
    private static final FaqEntry FEE = new FaqEntry("c-2", "信用卡年费怎么收", "首年免年费。", List.of());
    private static final FaqEntry LOST = new FaqEntry("c-3", "信用卡丢了怎么办", "立即挂失。", List.of());
    private static final FaqEntry PREPAY = new FaqEntry("l-1", "提前还款有违约金吗", "满一年后提前还款无违约金。", List.of());
    private static final FaqEntry RATE = new FaqEntry("l-2", "贷款利率是多少", "年化利率4%起。", List.of());

    @Test
    void liveUpdatesTenantsRoutingAndATaskFailure(@InjectMiniCluster MiniCluster flink) throws Exception {
        KAFKA.get().createTopics(2, QUESTIONS, MATCHES, DLQ);
        KAFKA.get().createCompactedTopic(FAQS, 1);
        int[] bad;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            upsert(producer, "cards", RAISE);
            upsert(producer, "cards", FEE);
            upsert(producer, "cards", LOST);
            upsert(producer, "loans", PREPAY);
            upsert(producer, "loans", RATE);
            bad = publishBadFaqRecords(producer);
            producer.flush();
        }
        int badFaqs = bad[1];

        Map<String, String> settings = settings(QUESTIONS, MATCHES, DLQ, FAQS, "lb", 2);
        // loans answers only near-exact questions: a paraphrase is routed to clarify
        settings.put("match.tenant.loans.min-score", "0.99");
        settings.put("match.tenant.loans.clarify-score", "0.3");
        // cards answers only close questions, and hands unrelated ones to a person
        settings.put("match.tenant.cards.min-score", "0.75");
        settings.put("match.tenant.cards.clarify-score", "0.65");
        MatcherConfig config = MatcherConfig.fromMap(settings);
        RunningJob job = TestJobs.start("live-banks-it", config);

        try (Output out = new Output();
                KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            // Two tenants, the default bank from the file, an unknown tenant.
            ask(producer, "a-1", "cards", RAISE.question());
            ask(producer, "a-2", "loans", PREPAY.question());
            ask(producer, "a-3", "loans", "提前还款要付违约金吗？");
            ask(producer, "a-4", "loans", RAISE.question()); // a cards question asked of loans
            ask(producer, "a-5", null, "信用卡怎么还款");
            ask(producer, "a-6", "wealth", "理财产品收益怎么算");
            ask(producer, "a-7", "cards", "今天天气怎么样，适合出去玩吗");
            producer.flush();
            JsonNode a1 = out.match("a-1");
            assertThat(a1.get("bank").asText()).isEqualTo("cards");
            assertThat(a1.get("bank_version").asText()).isEqualTo("0:2");
            assertThat(top(a1)).isEqualTo("c-1");
            assertThat(a1.path("matches").path(0).path("answer").asText()).isEqualTo(RAISE.answer());
            assertThat(a1.get("route").asText()).isEqualTo("answer");
            JsonNode a2 = out.match("a-2");
            assertThat(top(a2)).isEqualTo("l-1");
            assertThat(a2.get("route").asText()).isEqualTo("answer");
            JsonNode a3 = out.match("a-3");
            assertThat(top(a3)).isEqualTo("l-1");
            assertThat(a3.get("route").asText()).as("loans' min-score 0.99 for a paraphrase").isEqualTo("clarify");
            assertThat(a3.get("matched").asBoolean()).isFalse();
            JsonNode a4 = out.match("a-4");
            assertThat(ids(a4)).as("loans never sees cards' entries").allMatch(id -> id.startsWith("l-"));
            assertThat(ids(a1)).allMatch(id -> id.startsWith("c-"));
            JsonNode a5 = out.match("a-5");
            assertThat(a5.get("bank").asText()).isEqualTo("default");
            assertThat(a5.get("bank_version").asText()).isEqualTo("seed");
            assertThat(ids(a5)).allMatch(id -> id.startsWith("f-"));
            JsonNode a7 = out.match("a-7");
            assertThat(a7.get("route").asText()).isEqualTo("human");
            JsonNode unknown = out.deadLetter(d -> d.path("key").asText().equals("a-6"));
            assertThat(unknown.get("reason").asText()).isEqualTo("unknown_tenant");
            assertThat(unknown.get("payload").asText()).contains("理财产品收益怎么算");

            // Every bad FAQ record is one dead letter.
            List<JsonNode> invalidFaqs = out.deadLetters(d -> d.path("source_topic").asText().equals(FAQS), badFaqs);
            assertThat(invalidFaqs).hasSize(badFaqs).allMatch(d -> d.get("reason").asText().equals("invalid_faq"));

            // An edit: the questions asked after it get the new answer within a bounded delay.
            long edited = System.nanoTime();
            upsert(producer, "cards", RAISE_V2);
            producer.flush();
            JsonNode fresh = askUntil(producer, out, "e-", "cards", RAISE.question(),
                    m -> m.path("matches").path(0).path("answer").asText().equals(RAISE_V2.answer()));
            double editSeconds = (System.nanoTime() - edited) / 1e9;
            assertThat(fresh.get("bank_version").asText()).isEqualTo("0:" + (5 + bad[0]));

            // A delete: the entry is gone for the questions asked after it.
            long deleted = System.nanoTime();
            producer.send(new ProducerRecord<>(FAQS, utf8("cards/c-2"), null));
            producer.flush();
            JsonNode gone = askUntil(producer, out, "d-", "cards", FEE.question(), m -> !ids(m).contains("c-2"));
            double deleteSeconds = (System.nanoTime() - deleted) / 1e9;
            assertThat(ids(gone)).doesNotContain("c-2");
            System.out.printf("live-banks: edit visible after %.2f s, delete after %.2f s (both include the 1 s"
                    + " checkpoint that commits the output)%n", editSeconds, deleteSeconds);
            assertThat(editSeconds).isLessThan(30);
            assertThat(deleteSeconds).isLessThan(30);

            // A lost TaskManager: the restored job has the edited bank from its state, and loses no question.
            flink.terminateTaskManager(0).get();
            flink.startTaskManager();
            int after = 20;
            for (int i = 0; i < after; i++) {
                ask(producer, "r-" + i, i % 2 == 0 ? "cards" : "loans", i % 4 == 0 ? FEE.question()
                        : i % 2 == 0 ? RAISE.question() : RATE.question());
            }
            producer.flush();
            for (int i = 0; i < after; i++) {
                JsonNode m = out.match("r-" + i);
                if (i % 2 == 0) {
                    assertThat(ids(m)).as("r-" + i).doesNotContain("c-2").allMatch(id -> id.startsWith("c-"));
                    if (i % 4 != 0) {
                        assertThat(m.path("matches").path(0).path("answer").asText()).isEqualTo(RAISE_V2.answer());
                    }
                } else {
                    assertThat(top(m)).isEqualTo("l-2");
                }
            }
            out.settle();
            assertThat(JobHistory.failures(flink, job.id())).as("job failures").isNotEmpty();
            assertThat(out.matchesPerId).as("each question answered once").allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
            assertThat(out.matchesPerId.keySet()).filteredOn(id -> id.startsWith("r-")).hasSize(after);
        } finally {
            job.close();
        }
    }

    private static Map<String, String> settings(String questions, String matches, String dlq, String faqs, String id,
            int parallelism) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap-servers", KAFKA.bootstrapServers());
        settings.put("kafka.questions-topic", questions);
        settings.put("kafka.matches-topic", matches);
        settings.put("kafka.dead-letter-topic", dlq);
        settings.put("kafka.faqs-topic", faqs);
        settings.put("kafka.group-id", id);
        settings.put("kafka.transactional-id-prefix", id);
        settings.put("checkpoint.interval", "1s");
        settings.put("job.parallelism", Integer.toString(parallelism));
        settings.put("output.embedding", "none");
        settings.put("batch.max-size", "8");
        return settings;
    }

    /**
     * A savepoint, then the job restarted from it at another parallelism and with an FAQ topic
     * that is empty: the banks it answers with can only have come from the savepoint's state.
     */
    @Test
    void aSavepointAndARescaledRestartKeepTheBanks() throws Exception {
        KAFKA.get().createTopics(2, "sp-questions", "sp-matches", "sp-dlq");
        KAFKA.get().createCompactedTopic("sp-faqs", 1);
        KAFKA.get().createCompactedTopic("sp-faqs-empty", 1);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            upsert(producer, "sp-faqs", "cards", RAISE);
            upsert(producer, "sp-faqs", "cards", FEE);
            producer.flush();
        }
        RunningJob job = TestJobs.start("live-banks-savepoint-it", MatcherConfig.fromMap(settings("sp-questions", "sp-matches", "sp-dlq", "sp-faqs", "sp", 2)));
        String savepoint;
        try (Output out = new Output("sp-matches", "sp-dlq");
                KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            ask(producer, "sp-questions", "s-1", "cards", RAISE.question());
            producer.flush();
            assertThat(out.match("s-1").path("matches").path(0).path("answer").asText()).isEqualTo(RAISE.answer());
            upsert(producer, "sp-faqs", "cards", RAISE_V2);
            producer.flush();
            askUntil(producer, "sp-questions", out, "s-e-", "cards", RAISE.question(),
                    m -> m.path("matches").path(0).path("answer").asText().equals(RAISE_V2.answer()));
            savepoint = job.client().stopWithSavepoint(false, java.nio.file.Path.of("target", "live-banks-savepoints")
                    .toAbsolutePath().toUri().toString(), org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get();
        }

        org.apache.flink.configuration.Configuration restore = new org.apache.flink.configuration.Configuration();
        restore.set(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        RunningJob again = TestJobs.start("live-banks-restored-it",
                MatcherConfig.fromMap(settings("sp-questions", "sp-matches", "sp-dlq", "sp-faqs-empty", "sp", 1)),
                UnaryOperator.identity(), restore);
        try (Output out = new Output("sp-matches", "sp-dlq");
                KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            ask(producer, "sp-questions", "s-2", "cards", RAISE.question());
            ask(producer, "sp-questions", "s-3", "cards", FEE.question());
            producer.flush();
            JsonNode s2 = out.match("s-2");
            assertThat(s2.path("matches").path(0).path("answer").asText()).isEqualTo(RAISE_V2.answer());
            assertThat(s2.get("bank_version").asText()).isEqualTo("0:2");
            assertThat(top(out.match("s-3"))).isEqualTo("c-2");
            assertThat(out.deadLetters).isEmpty();
        } finally {
            again.close();
        }
    }

    /**
     * A job started on a large FAQ topic: while its banks are still being embedded, a checkpoint
     * completes and the first questions wait without holding the task thread; they are answered
     * by the whole bank; a cancel ends the job at once.
     */
    @Test
    void aCheckpointAndACancelWhileALargeFaqTopicIsEmbeddedAtStart(@InjectMiniCluster MiniCluster flink)
            throws Exception {
        String faqs = "big-faqs";
        KAFKA.get().createTopics(1, "big-questions", "big-matches", "big-dlq");
        KAFKA.get().createCompactedTopic(faqs, 1);
        int entries = 3_000;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            for (int i = 0; i < entries; i++) {
                upsert(producer, faqs, "big", new FaqEntry("b-" + i, "第" + i + "号网点的营业时间和地址是什么",
                        "见网点公告。", List.of()));
            }
            upsert(producer, faqs, "big", RAISE);
            producer.flush();
        }
        Map<String, String> settings = settings("big-questions", "big-matches", "big-dlq", faqs, "big", 1);
        RunningJob job = TestJobs.start("live-banks-big-it", MatcherConfig.fromMap(settings));
        try (Output out = new Output("big-matches", "big-dlq");
                KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            ask(producer, "big-questions", "big-q1", "big", RAISE.question());
            producer.flush();
            long start = System.nanoTime();
            String checkpoint = null;
            while (checkpoint == null && System.nanoTime() - start < WAIT.toNanos()) {
                try {
                    checkpoint = flink.triggerCheckpoint(job.id()).get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    Thread.sleep(200); // not all tasks running yet
                }
            }
            long checkpointed = System.nanoTime();
            assertThat(checkpoint).as("a checkpoint while the bank is embedded").isNotNull();
            out.poll();
            assertThat(out.byId).as("the checkpoint came before the bank was ready").doesNotContainKey("big-q1");
            JsonNode first = out.match("big-q1");
            assertThat(top(first)).isEqualTo(RAISE.id());
            assertThat(first.get("bank_version").asText()).as("the whole topic, not part of it")
                    .isEqualTo("0:" + entries);
            System.out.printf("checkpoint %.1f s after the first question, its answer %.1f s after that%n",
                    (checkpointed - start) / 1e9, (System.nanoTime() - checkpointed) / 1e9);
        } finally {
            long cancel = System.nanoTime();
            job.close();
            assertThat(Duration.ofNanos(System.nanoTime() - cancel)).isLessThan(Duration.ofSeconds(30));
        }
    }

    /**
     * A bank with similar questions, counter-examples and out-of-scope examples on the FAQ topic:
     * each match names the phrasing that matched, a counter-example keeps its entry out, an
     * out-of-scope example sends the question to a person, one phrasing in two entries is a tie
     * (clarify), and an edit of one entry's similar questions is answered by the new phrasing.
     */
    @Test
    void similarQuestionsCounterExamplesAndOutOfScopeExamples() throws Exception {
        String faqs = "vt-faqs";
        KAFKA.get().createTopics(1, "vt-questions", "vt-matches", "vt-dlq");
        KAFKA.get().createCompactedTopic(faqs, 1);
        FaqEntry raise = new FaqEntry("v-1", "信用卡怎么提高额度", "在APP申请提额。", List.of(),
                List.of("额度太低了想调高点", "怎样申请提额"), List.of("信用卡额度怎么降低"), FaqEntry.Kind.FAQ);
        FaqEntry fee = new FaqEntry("v-2", "信用卡年费怎么收", "首年免年费。", List.of(), List.of("年费多少钱"), List.of(),
                FaqEntry.Kind.FAQ);
        FaqEntry lost = new FaqEntry("v-3", "信用卡丢了怎么办", "立即挂失。", List.of(), List.of("卡丢了咋办"), List.of(),
                FaqEntry.Kind.FAQ);
        FaqEntry lostTwin = new FaqEntry("v-4", "卡片遗失如何处理", "立即挂失。", List.of(), List.of("卡不见了怎么挂失"),
                List.of(), FaqEntry.Kind.FAQ);
        FaqEntry lostTwinToo = new FaqEntry("v-5", "银行卡丢失补办", "到网点补办。", List.of(), List.of("卡不见了怎么挂失"),
                List.of(), FaqEntry.Kind.FAQ);
        FaqEntry chat = new FaqEntry("oos-chat", "你好", "正在为您转接人工客服。", List.of(),
                List.of("帮我写首关于秋天的诗", "讲个笑话", "今天天气怎么样"), List.of(), FaqEntry.Kind.OUT_OF_SCOPE);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            for (FaqEntry e : List.of(raise, fee, lost, lostTwin, lostTwinToo, chat)) {
                upsert(producer, faqs, "vt", e);
            }
            producer.flush();
        }
        Map<String, String> settings = settings("vt-questions", "vt-matches", "vt-dlq", faqs, "vt", 1);
        settings.put("match.tenant.vt.min-score", "0.8");
        settings.put("match.tenant.vt.clarify-score", "0.5");
        settings.put("match.tenant.vt.clarify-margin", "0.02");
        RunningJob job = TestJobs.start("live-banks-variants-it", MatcherConfig.fromMap(settings));
        try (Output out = new Output("vt-matches", "vt-dlq");
                KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KAFKA.bootstrapServers())) {
            ask(producer, "vt-questions", "v-q1", "vt", "额度太低了想调高点");
            ask(producer, "vt-questions", "v-q2", "vt", "信用卡额度怎么降低");
            ask(producer, "vt-questions", "v-q3", "vt", "帮我写首关于秋天的诗");
            ask(producer, "vt-questions", "v-q4", "vt", "卡不见了怎么挂失");
            producer.flush();
            JsonNode q1 = out.match("v-q1");
            assertThat(top(q1)).isEqualTo("v-1");
            assertThat(q1.path("matches").path(0).path("matched_text").asText()).isEqualTo("额度太低了想调高点");
            assertThat(q1.path("matches").path(0).path("question").asText()).isEqualTo(raise.question());
            assertThat(q1.get("route").asText()).isEqualTo("answer");
            assertThat(ids(q1)).as("one entry per id: its other phrasings are not matches of their own").doesNotHaveDuplicates();
            JsonNode q2 = out.match("v-q2");
            assertThat(ids(q2)).as("its counter-example keeps v-1 out").doesNotContain("v-1");
            JsonNode q3 = out.match("v-q3");
            assertThat(q3.get("route").asText()).isEqualTo("human");
            assertThat(q3.get("matched").asBoolean()).isFalse();
            assertThat(q3.path("out_of_scope").path("faq_id").asText()).isEqualTo("oos-chat");
            assertThat(q3.path("out_of_scope").path("matched_text").asText()).isEqualTo("帮我写首关于秋天的诗");
            assertThat(ids(q3)).doesNotContain("oos-chat");
            JsonNode q4 = out.match("v-q4");
            assertThat(ids(q4).subList(0, 2)).containsExactlyInAnyOrder("v-4", "v-5");
            assertThat(q4.get("route").asText()).as("one phrasing in two entries is a tie").isEqualTo("clarify");

            // An edit of one entry's similar questions: the new phrasing answers.
            FaqEntry fee2 = new FaqEntry("v-2", fee.question(), fee.answer(), List.of(),
                    List.of("年费多少钱", "每年要交多少钱的年费"), List.of(), FaqEntry.Kind.FAQ);
            upsert(producer, faqs, "vt", fee2);
            producer.flush();
            JsonNode edited = askUntil(producer, "vt-questions", out, "v-e-", "vt", "每年要交多少钱的年费",
                    m -> m.path("matches").path(0).path("matched_text").asText().equals("每年要交多少钱的年费"));
            assertThat(top(edited)).isEqualTo("v-2");
            assertThat(edited.get("route").asText()).isEqualTo("answer");
            assertThat(out.deadLetters).isEmpty();
        } finally {
            job.close();
        }
    }

    /** Bad records of many kinds, and random mutations of a good one; returns how many were sent and how many are invalid. */
    private static int[] publishBadFaqRecords(KafkaProducer<byte[], byte[]> producer) throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(faq("cards/x-1", "{\"tenant\":\"cards\",\"id\":\"x-1\",\"question\":\"问"));
        records.add(faq("cards/x-2", "{\"tenant\":\"cards\",\"id\":\"x-2\",\"answer\":\"答\"}"));
        records.add(faq("cards/x-3", "{\"tenant\":\"loans\",\"id\":\"x-3\",\"question\":\"问\",\"answer\":\"答\"}"));
        records.add(faq("no-slash", "{\"tenant\":\"cards\",\"id\":\"x-4\",\"question\":\"问\",\"answer\":\"答\"}"));
        records.add(faq("cards/x-5", "{\"schema\":2,\"tenant\":\"cards\",\"id\":\"x-5\",\"question\":\"问\",\"answer\":\"答\"}"));
        records.add(faq("cards/x-6", "{\"tenant\":\"cards\",\"id\":\"x-6\",\"question\":\"" + "长".repeat(30_000)
                + "\",\"answer\":\"答\"}"));
        // (a record without a key cannot be sent: the broker refuses it on a compacted topic)
        records.add(new ProducerRecord<>(FAQS, utf8(""), utf8("{}")));
        records.add(new ProducerRecord<>(FAQS, utf8("bad tenant/x"), null));
        // similar questions, counter-examples and kinds: wrong types, empty strings, huge lists, repeats
        String entry = "{\"tenant\":\"cards\",\"id\":\"x-7\",\"question\":\"问\",\"answer\":\"答\"";
        records.add(faq("cards/x-7", entry + ",\"similar\":\"不是数组\"}"));
        records.add(faq("cards/x-7", entry + ",\"similar\":[1,2]}"));
        records.add(faq("cards/x-7", entry + ",\"similar\":[\"\"]}"));
        records.add(faq("cards/x-7", entry + ",\"not_similar\":[\"  \"]}"));
        records.add(faq("cards/x-7", entry + ",\"similar\":[" + String.join(",", java.util.Collections.nCopies(201, "\"重复\""))
                + "]}"));
        records.add(faq("cards/x-7", entry + ",\"similar\":[\"" + "长".repeat(300) + "\"]}"));
        records.add(faq("cards/x-7", entry + ",\"similar\":[\"问\"]}"));
        records.add(faq("cards/x-7", entry + ",\"similar\":[\"甲\"],\"not_similar\":[\"甲\"]}"));
        records.add(faq("cards/x-7", entry + ",\"kind\":\"chitchat\"}"));
        Random random = new Random(13);
        byte[] good = FaqRecords.upsertJson("fuzz", new FaqEntry("z-1", "问题", "答案", List.of("t"), List.of("相似的问题"),
                List.of("反例"), FaqEntry.Kind.FAQ));
        for (int i = 0; i < 30; i++) {
            byte[] mutated = good.clone();
            for (int j = 0; j < 1 + random.nextInt(3); j++) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            records.add(new ProducerRecord<>(FAQS, utf8("fuzz/z-1"), mutated));
        }
        int invalid = 0;
        long offset = 0;
        for (ProducerRecord<byte[], byte[]> r : records) {
            try {
                FaqRecords.parse(new RawRecord(FAQS, 0, offset++, 0, r.key(), r.value()), 65_536);
            } catch (InvalidQuestionException e) {
                invalid++;
            }
            producer.send(r).get();
        }
        return new int[] {records.size(), invalid};
    }

    private static ProducerRecord<byte[], byte[]> faq(String key, String json) {
        return new ProducerRecord<>(FAQS, utf8(key), utf8(json));
    }

    private static void upsert(KafkaProducer<byte[], byte[]> producer, String tenant, FaqEntry e) {
        upsert(producer, FAQS, tenant, e);
    }

    private static void upsert(KafkaProducer<byte[], byte[]> producer, String topic, String tenant, FaqEntry e) {
        producer.send(new ProducerRecord<>(topic, utf8(FaqRecords.key(tenant, e.id())), FaqRecords.upsertJson(tenant, e)));
    }

    private static void ask(KafkaProducer<byte[], byte[]> producer, String id, String tenant, String text) {
        ask(producer, QUESTIONS, id, tenant, text);
    }

    private static void ask(KafkaProducer<byte[], byte[]> producer, String topic, String id, String tenant, String text) {
        var node = MAPPER.createObjectNode().put("id", id).put("text", text);
        if (tenant != null) {
            node.put("tenant", tenant);
        }
        producer.send(new ProducerRecord<>(topic, utf8(id), utf8(node.toString())));
    }

    /** Asks the same question every 200 ms until an answer satisfies {@code wanted}; returns that answer. */
    private static JsonNode askUntil(KafkaProducer<byte[], byte[]> producer, Output out, String prefix, String tenant,
            String text, Predicate<JsonNode> wanted) throws Exception {
        return askUntil(producer, QUESTIONS, out, prefix, tenant, text, wanted);
    }

    private static JsonNode askUntil(KafkaProducer<byte[], byte[]> producer, String topic, Output out, String prefix,
            String tenant, String text, Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            ask(producer, topic, prefix + i, tenant, text);
            producer.flush();
            Thread.sleep(200);
            out.poll();
            for (int j = 0; j <= i; j++) {
                JsonNode m = out.byId.get(prefix + j);
                if (m != null && wanted.test(m)) {
                    return m;
                }
            }
        }
        throw new AssertionError("no answer to '" + text + "' of tenant " + tenant + " showed the update within " + WAIT);
    }

    private static String top(JsonNode m) {
        return m.path("matches").path(0).path("faq_id").asText();
    }

    private static List<String> ids(JsonNode m) {
        List<String> ids = new ArrayList<>();
        m.path("matches").forEach(x -> ids.add(x.path("faq_id").asText()));
        return ids;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A read_committed consumer of the job's two outputs, read as the test goes. */
    private static final class Output implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> consumer =
                KafkaClients.readCommittedConsumer(KAFKA.bootstrapServers(), "lb-reader-" + System.nanoTime());
        final Map<String, JsonNode> byId = new HashMap<>();
        final Map<String, Integer> matchesPerId = new HashMap<>();
        final List<JsonNode> deadLetters = new ArrayList<>();
        private final String dlq;

        Output() {
            this(MATCHES, DLQ);
        }

        Output(String matches, String dlq) {
            this.dlq = dlq;
            consumer.subscribe(List.of(matches, dlq));
        }

        void poll() throws Exception {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                JsonNode n = MAPPER.readTree(r.value());
                if (r.topic().equals(dlq)) {
                    deadLetters.add(n);
                } else {
                    byId.put(n.get("id").asText(), n);
                    matchesPerId.merge(n.get("id").asText(), 1, Integer::sum);
                }
            }
        }

        JsonNode match(String id) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!byId.containsKey(id) && System.nanoTime() < deadline) {
                poll();
            }
            assertThat(byId).as("match event of " + id).containsKey(id);
            return byId.get(id);
        }

        JsonNode deadLetter(Predicate<JsonNode> which) throws Exception {
            return deadLetters(which, 1).get(0);
        }

        List<JsonNode> deadLetters(Predicate<JsonNode> which, int count) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (deadLetters.stream().filter(which).count() < count && System.nanoTime() < deadline) {
                poll();
            }
            settle();
            return deadLetters.stream().filter(which).toList();
        }

        /** Reads a little longer, so that a duplicate would be seen. */
        void settle() throws Exception {
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < end) {
                poll();
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
