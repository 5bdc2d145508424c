package dev.faqmatch.sql;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;

/** What a {@code faq-matcher} model computes ({@code 'task'} option), and the output columns it offers. */
public enum ModelTask {
    /** The question's embedding. */
    EMBED(Map.of(Columns.EMBEDDING, Columns.EMBEDDING_TYPE)),
    /** The nearest FAQ entries and the route, as the DataStream job's match events say them. */
    MATCH(Columns.match());

    private final Map<String, DataType> columns;

    ModelTask(Map<String, DataType> columns) {
        this.columns = columns;
    }

    /** The output columns the task can fill, by name, with their types. */
    public Map<String, DataType> columns() {
        return columns;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Column names and types, in the order the README shows them. */
    static final class Columns {
        static final String FAQ_ID = "faq_id";
        static final String FAQ_QUESTION = "faq_question";
        static final String ANSWER = "answer";
        static final String SCORE = "score";
        static final String ROUTE = "route";
        static final String MATCHES = "matches";
        static final String EMBEDDING = "embedding";
        static final DataType EMBEDDING_TYPE = DataTypes.ARRAY(DataTypes.FLOAT());
        static final DataType MATCH_TYPE = DataTypes.ROW(
                DataTypes.FIELD("faq_id", DataTypes.STRING()),
                DataTypes.FIELD("question", DataTypes.STRING()),
                DataTypes.FIELD("answer", DataTypes.STRING()),
                DataTypes.FIELD("score", DataTypes.DOUBLE()));

        private Columns() {}

        static Map<String, DataType> match() {
            Map<String, DataType> columns = new LinkedHashMap<>();
            columns.put(FAQ_ID, DataTypes.STRING());
            columns.put(FAQ_QUESTION, DataTypes.STRING());
            columns.put(ANSWER, DataTypes.STRING());
            columns.put(SCORE, DataTypes.DOUBLE());
            columns.put(ROUTE, DataTypes.STRING());
            columns.put(MATCHES, DataTypes.ARRAY(MATCH_TYPE));
            columns.put(EMBEDDING, EMBEDDING_TYPE);
            return java.util.Collections.unmodifiableMap(columns);
        }
    }
}
