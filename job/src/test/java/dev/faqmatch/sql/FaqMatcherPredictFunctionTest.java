package dev.faqmatch.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faqmatch.config.ConfigException;
import dev.faqmatch.event.FaqMatch;
import dev.faqmatch.event.MatchEvent;
import dev.faqmatch.flink.MatcherOptions;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.junit.jupiter.api.Test;

/** The model's options, validated as the job's settings, and the rows it gives for events and for texts it cannot match. */
class FaqMatcherPredictFunctionTest {
    private static final List<String> MATCH_COLUMNS = List.of("faq_id", "faq_question", "answer", "score", "route",
            "matches");

    @Test
    void optionsAreTheJobsSettingsWithTheirMessages() {
        MatcherOptions options = ModelOptions.matcher(Map.of("provider", "faq-matcher", "task", "match",
                "match.min-score", "0.9", "match.tenant.default.min-score", "0.95", "batch.max-size", "16",
                "faq.graph-candidate-rows", "300"), false);
        assertThat(options.routing().thresholds("default").minScore()).isEqualTo(0.95);
        assertThat(options.matching().batchMaxSize()).isEqualTo(16);
        assertThat(options.graphSearch().candidateRows()).isEqualTo(300);
        assertThat(options.routing().live()).as("the bank is the faq.bank file").isFalse();
        assertThatThrownBy(() -> ModelOptions.matcher(Map.of("match.min-score", "2"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid value '2' for setting 'match.min-score'");
        assertThatThrownBy(() -> ModelOptions.matcher(Map.of("kafka.questions-topic", "q"), false))
                .hasMessageStartingWith("Unknown model option 'kafka.questions-topic'");
        assertThatThrownBy(() -> ModelOptions.task(Map.of("task", "classify")))
                .hasMessage("Invalid value 'classify' for model option 'task': embed or match.");
        assertThat(ModelOptions.task(Map.of())).isEqualTo(ModelTask.MATCH);
    }

    @Test
    void aTextThatCannotBeMatchedGivesRouteHumanAndNullsElsewhere() {
        FaqMatcherPredictFunction f = new FaqMatcherPredictFunction(ModelOptions.matcher(Map.of(), false),
                ModelTask.MATCH, MATCH_COLUMNS);
        RowData row = f.unanswerable();
        assertThat(row.getArity()).isEqualTo(6);
        assertThat(row.getString(4).toString()).isEqualTo("human");
        for (int i : new int[] {0, 1, 2, 3, 5}) {
            assertThat(row.isNullAt(i)).as("column " + MATCH_COLUMNS.get(i)).isTrue();
        }
    }

    @Test
    void nullBlankAndOverLongTextsAreAnsweredWithoutTheModel() throws Exception {
        FaqMatcherPredictFunction f = new FaqMatcherPredictFunction(
                ModelOptions.matcher(Map.of("input.max-text-bytes", "16"), false), ModelTask.MATCH, MATCH_COLUMNS);
        // Not opened: a text that cannot be matched never reaches the slot's matcher.
        for (GenericRowData input : List.of(GenericRowData.of((Object) null), GenericRowData.of(StringData.fromString(" \t")),
                GenericRowData.of(StringData.fromString("信用卡怎么提高额度呢")))) {
            RowData row = f.asyncPredict(input).get().iterator().next();
            assertThat(row.getString(4).toString()).isEqualTo("human");
            assertThat(row.isNullAt(0)).isTrue();
        }
    }

    @Test
    void theAnswerColumnsAreFilledOnlyWhenTheRouteIsAnswer() {
        FaqMatcherPredictFunction f = new FaqMatcherPredictFunction(ModelOptions.matcher(Map.of(), false),
                ModelTask.MATCH, MATCH_COLUMNS);
        List<FaqMatch> matches = List.of(new FaqMatch("f-1", "怎么还款", "在APP还款。", 0.9f),
                new FaqMatch("f-2", "怎么借款", "在APP借款。", 0.5f));
        RowData answered = f.row(MatchEvent.builder("q").matches(matches, true).route("answer").build());
        assertThat(answered.getString(0).toString()).isEqualTo("f-1");
        assertThat(answered.getString(2).toString()).isEqualTo("在APP还款。");
        assertThat(answered.getDouble(3)).isEqualTo(0.9f);
        assertThat(answered.getArray(5).size()).isEqualTo(2);
        assertThat(answered.getArray(5).getRow(1, 4).getString(0).toString()).isEqualTo("f-2");

        RowData clarify = f.row(MatchEvent.builder("q").matches(matches, false).route("clarify").build());
        assertThat(clarify.isNullAt(0)).isTrue();
        assertThat(clarify.isNullAt(2)).isTrue();
        assertThat(clarify.getString(4).toString()).isEqualTo("clarify");
        assertThat(clarify.getArray(5).size()).as("the candidates are there to offer").isEqualTo(2);
    }
}
