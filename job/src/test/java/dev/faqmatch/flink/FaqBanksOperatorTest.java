package dev.faqmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.event.DeadLetter;
import dev.faqmatch.event.Question;
import dev.faqmatch.event.RawRecord;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqUpdate;
import dev.faqmatch.faq.LiveBanks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faq-banks operator in Flink's operator harness: the FAQ topic read to its end at submission
 * lets the questions go ({@code topicRead}), or the deadline does; banks and positions carried
 * through a snapshot and restore; and a question of a tenant without a bank becomes a dead letter.
 */
class FaqBanksOperatorTest {
    private static final long BOOTSTRAP_MS = 60_000;
    @TempDir
    static Path dir;
    private static String bankFile;

    @BeforeAll
    static void smallBank() throws Exception {
        // A one-entry default bank keeps the background embedding short.
        Path bank = dir.resolve("bank.jsonl");
        Files.writeString(bank, "{\"id\":\"d-1\",\"question\":\"怎么还款\",\"answer\":\"在APP还款。\"}\n");
        bankFile = bank.toString();
    }

    private static MatcherOptions options() {
        return MatcherOptions.from(MatcherConfig.fromMap(Map.of(
                "faq.bank", bankFile,
                "faq.bootstrap-timeout", BOOTSTRAP_MS + "ms")));
    }

    private static OneInputStreamOperatorTestHarness<FaqUpdate, Void> harness(Map<Integer, Long> topicEnd)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new FaqBanksOperator(options(), topicEnd));
    }

    private static LiveBanks banks(OneInputStreamOperatorTestHarness<FaqUpdate, Void> h) {
        return ((FaqBanksOperator) h.getOperator()).banks();
    }

    private static StreamRecord<FaqUpdate> faq(String tenant, String id, long offset) {
        FaqEntry entry = new FaqEntry(id, "信用卡怎么提高额度" + id, "在APP申请提额。", List.of());
        return new StreamRecord<>(new FaqUpdate(tenant, id, entry, 0, offset, 0L));
    }

    @Test
    void questionsGoOnOnceTheFaqTopicIsReadToItsEndAtSubmission() throws Exception {
        try (var h = harness(Map.of(0, 1L))) {
            h.open();
            h.processElement(faq("cards", "c-1", 0));
            assertThat(banks(h).topicRead()).as("offset 1 not read yet").isNotDone();
            h.processElement(new StreamRecord<>(FaqUpdate.positionOnly(0, 1, 0L)));
            assertThat(banks(h).topicRead()).as("a bad record's position counts too").isDone();
            banks(h).startGate().get(30, TimeUnit.SECONDS);
            assertThat(banks(h).bank("cards").snapshot().index().size())
                    .as("the start gate opens when what was read is embedded").isEqualTo(1);
        }
    }

    @Test
    void anEmptyFaqTopicHoldsNothing() throws Exception {
        try (var h = harness(Map.of())) {
            h.open();
            assertThat(banks(h).topicRead()).isDone();
        }
    }

    @Test
    void afterTheBootstrapTimeoutQuestionsGoOnWithTheBanksAsTheyAre() throws Exception {
        try (var h = harness(Map.of(0, 9L))) {
            h.setProcessingTime(0);
            h.open();
            h.processElement(faq("cards", "c-1", 0));
            h.setProcessingTime(BOOTSTRAP_MS - 1);
            assertThat(banks(h).topicRead()).isNotDone();
            h.setProcessingTime(BOOTSTRAP_MS);
            assertThat(banks(h).topicRead()).isDone();
        }
    }

    @Test
    void banksAndPositionsSurviveASnapshotAndRestore() throws Exception {
        OperatorSubtaskState state;
        try (var h = harness(Map.of(0, 1L))) {
            h.open();
            h.processElement(faq("cards", "c-1", 0));
            h.processElement(faq("cards", "c-2", 1));
            state = h.snapshot(1, 1);
        }
        try (var h = harness(Map.of(0, 1L))) {
            // A restart whose FAQ topic end (at submission) was read before the checkpoint: the
            // banks come from the state, and questions go on at once.
            h.initializeState(state);
            h.open();
            assertThat(banks(h).topicRead()).isDone();
            banks(h).startGate().get(30, TimeUnit.SECONDS);
            assertThat(banks(h).bank("cards").snapshot().index().size()).isEqualTo(2);
            assertThat(banks(h).bank("cards").snapshot().version()).isEqualTo("0:1");
        }
        try (var h = harness(Map.of(0, 3L))) {
            h.initializeState(state);
            h.open();
            assertThat(banks(h).topicRead()).as("records published since the checkpoint: read them first").isNotDone();
            h.processElement(faq("cards", "c-3", 3));
            assertThat(banks(h).topicRead()).isDone();
        }
    }

    @Test
    void aQuestionOfATenantWithoutABankIsADeadLetter() throws Exception {
        MatcherOptions live = MatcherOptions.from(MatcherConfig.fromMap(Map.of("faq.bank", bankFile)));
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new ParseQuestions(live))) {
            h.processElement(question("q-1", "nobody"), 0);
            h.processElement(question("q-2", "default"), 0);
            assertThat(h.extractOutputValues()).extracting(Question::id).containsExactly("q-2");
            List<DeadLetter> dead = h.getSideOutput(SideOutputs.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).reason()).isEqualTo("unknown_tenant");
            assertThat(dead.get(0).detail()).contains("no FAQ bank for tenant 'nobody'");
        }
    }

    private static RawRecord question(String id, String tenant) {
        String json = "{\"id\":\"" + id + "\",\"text\":\"信用卡怎么提额\",\"tenant\":\"" + tenant + "\"}";
        return new RawRecord("questions", 0, 0, 0L, null, json.getBytes(StandardCharsets.UTF_8));
    }
}
