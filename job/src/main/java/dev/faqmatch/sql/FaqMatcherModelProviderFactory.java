package dev.faqmatch.sql;

import dev.faqmatch.config.ConfigException;
import dev.faqmatch.flink.MatcherOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * The FAQ matcher as a Flink SQL model provider:
 * {@code CREATE MODEL faq INPUT (text STRING) OUTPUT (...) WITH ('provider' = 'faq-matcher', ...)},
 * used through {@code ML_PREDICT}. The model runs in the TaskManager, on the job's own inference
 * path ({@link FaqMatcherPredictFunction}: the slot's session, the micro-batcher across the rows in
 * flight, the embedding cache, the routing). Its options are the job's settings; a bad one fails
 * when the statement is planned, with one line that names it.
 */
public final class FaqMatcherModelProviderFactory implements ModelProviderFactory {
    public static final String IDENTIFIER = "faq-matcher";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    /** Validated by {@link ModelOptions} with the job's own settings, not by Flink's option helper. */
    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        ResolvedCatalogModel model = context.getCatalogModel();
        String name = context.getObjectIdentifier().asSummaryString();
        try {
            Map<String, String> options = model.getOptions();
            ModelTask task = ModelOptions.task(options);
            checkInput(model.getResolvedInputSchema());
            List<String> outputs = checkOutput(task, model.getResolvedOutputSchema());
            MatcherOptions matcher = ModelOptions.matcher(options, outputs.contains(ModelTask.Columns.EMBEDDING));
            return new Provider(new FaqMatcherPredictFunction(matcher, task, outputs));
        } catch (ConfigException e) {
            throw new ValidationException("Model " + name + ": " + e.getMessage(), e);
        }
    }

    private static void checkInput(ResolvedSchema input) {
        List<Column> columns = input.getColumns();
        if (columns.size() != 1 || !columns.get(0).getDataType().getLogicalType().is(LogicalTypeRoot.VARCHAR)
                && !columns.get(0).getDataType().getLogicalType().is(LogicalTypeRoot.CHAR)) {
            throw new ConfigException("a faq-matcher model takes one input column of type STRING, the question's"
                    + " text: INPUT (text STRING); it has " + input);
        }
    }

    /** The declared output columns, each one the task offers with its type. */
    private static List<String> checkOutput(ModelTask task, ResolvedSchema output) {
        List<String> names = new ArrayList<>();
        for (Column column : output.getColumns()) {
            DataType expected = task.columns().get(column.getName());
            if (expected == null || !expected.getLogicalType().copy(true)
                    .equals(column.getDataType().getLogicalType().copy(true))) {
                throw new ConfigException("output column '" + column.getName() + " " + column.getDataType()
                        + "' is not one that task '" + task.code() + "' fills; it offers " + describe(task));
            }
            names.add(column.getName());
        }
        return names;
    }

    private static String describe(ModelTask task) {
        List<String> columns = new ArrayList<>();
        task.columns().forEach((name, type) -> columns.add(name + " " + type));
        return String.join(", ", columns);
    }

    /** Hands the planner the one predict function of the model. */
    private record Provider(FaqMatcherPredictFunction function) implements AsyncPredictRuntimeProvider {
        @Override
        public AsyncPredictFunction createAsyncPredictFunction(ModelProvider.Context context) {
            return function;
        }

        @Override
        public ModelProvider copy() {
            return new Provider(function);
        }
    }
}
