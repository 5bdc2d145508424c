package dev.faqmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.event.MatchEvent;
import dev.faqmatch.event.Question;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embed-and-match function inside Flink's async operator, in its harness: every question
 * becomes one event routed by the bank, and questions in flight at a snapshot are matched after a
 * restore from it.
 */
class EmbedAndMatchFunctionTest {
    @TempDir
    Path dir;

    private OneInputStreamOperatorTestHarness<Question, MatchEvent> harness() throws Exception {
        Path bank = dir.resolve("bank.jsonl");
        Files.writeString(bank, """
                {"id":"f-1","question":"信用卡怎么提高额度","answer":"在APP申请提额。"}
                {"id":"f-2","question":"贷款提前还款有违约金吗","answer":"满一年后无违约金。"}
                """);
        MatcherOptions options = MatcherOptions.from(MatcherConfig.fromMap(Map.of(
                "faq.bank", bank.toString(), "kafka.faqs-topic", "", "batch.max-size", "4")));
        return new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(new EmbedAndMatchFunction(options), 60_000, 16,
                        AsyncDataStream.OutputMode.ORDERED),
                TypeInformation.of(Question.class).createSerializer(new SerializerConfigImpl()));
    }

    private static StreamRecord<Question> question(String id, String text) {
        return new StreamRecord<>(new Question(id, text, null, null, null, 0L));
    }

    @Test
    void everyQuestionBecomesOneEventOfItsNearestEntry() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(question("q-1", "信用卡怎么提高额度"));
            h.processElement(question("q-2", "提前还贷款要交违约金吗"));
            h.endInput();
            List<MatchEvent> events = h.extractOutputValues();
            assertThat(events).extracting(MatchEvent::id).containsExactly("q-1", "q-2");
            assertThat(events.get(0).matches().get(0).faqId()).isEqualTo("f-1");
            assertThat(events.get(0).route()).isEqualTo("answer");
            assertThat(events.get(1).matches().get(0).faqId()).isEqualTo("f-2");
        }
    }

    @Test
    void questionsInFlightAtASnapshotAreMatchedAfterTheRestore() throws Exception {
        OperatorSubtaskState state;
        try (var h = harness()) {
            h.open();
            h.processElement(question("q-1", "信用卡怎么提高额度"));
            state = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(state);
            h.open();
            h.endInput();
            assertThat(h.extractOutputValues()).extracting(MatchEvent::id).contains("q-1");
        }
    }
}
