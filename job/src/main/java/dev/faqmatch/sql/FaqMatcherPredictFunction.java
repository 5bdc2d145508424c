package dev.faqmatch.sql;

import dev.faqmatch.event.FaqMatch;
import dev.faqmatch.event.MatchEvent;
import dev.faqmatch.event.Question;
import dev.faqmatch.flink.MatcherOptions;
import dev.faqmatch.flink.internal.SlotMatcher;
import dev.faqmatch.match.Route;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * {@code ML_PREDICT} of a {@code faq-matcher} model: each row's text goes to the slot's
 * {@link SlotMatcher}, so rows in flight (up to the planner's async capacity) share model runs.
 * A NULL, blank or over-long text ({@code input.max-text-bytes}) is no error: its row has route
 * {@code human} and NULL everywhere else, so that a bad row never fails the job.
 */
public final class FaqMatcherPredictFunction extends AsyncPredictFunction {
    private static final long serialVersionUID = 1L;
    /** The slots of one TaskManager share the banks of one model and bank file, whichever SQL job they run. */
    private static final String BANKS_SCOPE = "sql";

    private final MatcherOptions options;
    private final ModelTask task;
    private final List<String> outputs;
    private transient SlotMatcher slot;
    private transient AtomicLong rows;

    /** @param outputs the model's output columns, in their declared order */
    FaqMatcherPredictFunction(MatcherOptions options, ModelTask task, List<String> outputs) {
        this.options = options;
        this.task = task;
        this.outputs = List.copyOf(outputs);
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        slot = SlotMatcher.open(options, BANKS_SCOPE, context.getTaskInfo().getIndexOfThisSubtask(),
                context.getTaskInfo().getNumberOfParallelSubtasks(),
                context.getExternalResourceInfos(SlotMatcher.GPU_RESOURCE), context.getMetricGroup());
        rows = new AtomicLong();
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
        String text = input.isNullAt(0) ? null : input.getString(0).toString();
        if (!answerable(text)) {
            return CompletableFuture.completedFuture(List.of(unanswerable()));
        }
        Question question = new Question("sql-" + rows.incrementAndGet(), text, null, null, null,
                ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()));
        return slot.match(question).thenApply(event -> List.of(row(event)));
    }

    private boolean answerable(String text) {
        return text != null && !text.isBlank()
                && text.getBytes(StandardCharsets.UTF_8).length <= options.maxTextBytes();
    }

    /** The documented row for a text that cannot be matched: route human, nothing else. */
    RowData unanswerable() {
        GenericRowData row = new GenericRowData(outputs.size());
        int route = outputs.indexOf(ModelTask.Columns.ROUTE);
        if (route >= 0) {
            row.setField(route, StringData.fromString(Route.HUMAN.code()));
        }
        return row;
    }

    /** The declared output columns of one event. */
    RowData row(MatchEvent event) {
        GenericRowData row = new GenericRowData(outputs.size());
        boolean answer = Route.ANSWER.code().equals(event.route());
        FaqMatch best = event.matches().isEmpty() ? null : event.matches().get(0);
        for (int i = 0; i < outputs.size(); i++) {
            row.setField(i, switch (outputs.get(i)) {
                // The entry is only given as the answer when the route says to answer with it; the
                // candidates are in matches either way.
                case ModelTask.Columns.FAQ_ID -> answer ? StringData.fromString(best.faqId()) : null;
                case ModelTask.Columns.FAQ_QUESTION -> answer ? StringData.fromString(best.question()) : null;
                case ModelTask.Columns.ANSWER -> answer ? StringData.fromString(best.answer()) : null;
                case ModelTask.Columns.SCORE -> best == null ? null : (double) best.score();
                case ModelTask.Columns.ROUTE -> StringData.fromString(event.route());
                case ModelTask.Columns.MATCHES -> matches(event.matches());
                case ModelTask.Columns.EMBEDDING -> event.embedding() == null ? null : new GenericArrayData(event.embedding());
                default -> throw new IllegalStateException("output column " + outputs.get(i) + " of task " + task.code());
            });
        }
        return row;
    }

    private static GenericArrayData matches(List<FaqMatch> matches) {
        Object[] rows = new Object[matches.size()];
        for (int i = 0; i < rows.length; i++) {
            FaqMatch m = matches.get(i);
            rows[i] = GenericRowData.of(StringData.fromString(m.faqId()), StringData.fromString(m.question()),
                    StringData.fromString(m.answer()), (double) m.score());
        }
        return new GenericArrayData(rows);
    }

    @Override
    public void close() throws Exception {
        if (slot != null) {
            slot.close();
            slot = null;
        }
    }
}
