package dev.faqmatch.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The job's output for one question (schema 1). {@code matches} always holds the top entries,
 * best first; {@code matched} says whether the best one reached match.min-score. {@code route}
 * (answer, clarify or human), {@code bank} (the tenant whose bank answered) and
 * {@code bank_version} (which FAQ records that bank held) were added within schema 1: readers
 * that ignore unknown fields are unaffected; so were {@code out_of_scope} (the bank's out-of-scope
 * example that sent the question to a person, only then) and each match's {@code matched_text}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schema", "id", "text", "tenant", "ts", "model", "matched", "matches", "truncated",
        "latency_ms", "processed_at", "route", "out_of_scope", "bank", "bank_version", "embedding", "embedding_base64"})
public record MatchEvent(
        @JsonProperty("schema") int schema,
        @JsonProperty("id") String id,
        @JsonProperty("text") String text,
        @JsonProperty("tenant") String tenant,
        @JsonProperty("ts") Long ts,
        @JsonProperty("model") String model,
        @JsonProperty("matched") boolean matched,
        @JsonProperty("matches") List<FaqMatch> matches,
        @JsonProperty("truncated") boolean truncated,
        @JsonProperty("latency_ms") double latencyMs,
        @JsonProperty("processed_at") long processedAt,
        @JsonProperty("embedding") float[] embedding,
        @JsonProperty("embedding_base64") String embeddingBase64,
        @JsonProperty("route") String route,
        @JsonProperty("bank") String bank,
        @JsonProperty("bank_version") String bankVersion,
        @JsonProperty("out_of_scope") FaqMatch outOfScope) {

    public static final int SCHEMA = 1;
}
