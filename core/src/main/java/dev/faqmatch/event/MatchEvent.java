package dev.faqmatch.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
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
        @JsonProperty("embedding") @JsonSerialize(using = Float32Json.class) float[] embedding,
        @JsonProperty("embedding_base64") String embeddingBase64,
        @JsonProperty("route") String route,
        @JsonProperty("bank") String bank,
        @JsonProperty("bank_version") String bankVersion,
        @JsonProperty("out_of_scope") FaqMatch outOfScope) {

    public static final int SCHEMA = 1;

    /** A builder for the event of the question {@code id}: schema {@link #SCHEMA}, everything else unset. */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Builds a {@link MatchEvent}: a field not set is absent from the event (or false, 0). */
    public static final class Builder {
        private final String id;
        private String text;
        private String tenant;
        private Long ts;
        private String model;
        private boolean matched;
        private List<FaqMatch> matches = List.of();
        private boolean truncated;
        private double latencyMs;
        private long processedAt;
        private float[] embedding;
        private String embeddingBase64;
        private String route;
        private String bank;
        private String bankVersion;
        private FaqMatch outOfScope;

        private Builder(String id) {
            this.id = id;
        }

        /** The question as asked, its tenant and its producer's timestamp. */
        public Builder question(String text, String tenant, Long ts) {
            this.text = text;
            this.tenant = tenant;
            this.ts = ts;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** The entries found, best first, and whether the best reached the answer threshold. */
        public Builder matches(List<FaqMatch> matches, boolean matched) {
            this.matches = List.copyOf(matches);
            this.matched = matched;
            return this;
        }

        /** Whether the text was cut to the model's maximum length. */
        public Builder truncated(boolean truncated) {
            this.truncated = truncated;
            return this;
        }

        /** When it was processed (epoch ms) and how long after it was received. */
        public Builder processed(long processedAtMillis, double latencyMs) {
            this.processedAt = processedAtMillis;
            this.latencyMs = latencyMs;
            return this;
        }

        /** The embedding as a JSON array of floats. */
        public Builder embedding(float[] embedding) {
            this.embedding = embedding;
            return this;
        }

        /** The embedding as base64 of little-endian float32. */
        public Builder embeddingBase64(String embeddingBase64) {
            this.embeddingBase64 = embeddingBase64;
            return this;
        }

        public Builder route(String route) {
            this.route = route;
            return this;
        }

        /** The tenant whose bank answered, and the version of that bank. */
        public Builder bank(String bank, String bankVersion) {
            this.bank = bank;
            this.bankVersion = bankVersion;
            return this;
        }

        /** The out-of-scope example that sent the question to a person. */
        public Builder outOfScope(FaqMatch outOfScope) {
            this.outOfScope = outOfScope;
            return this;
        }

        public MatchEvent build() {
            return new MatchEvent(SCHEMA, id, text, tenant, ts, model, matched, matches, truncated, latencyMs,
                    processedAt, embedding, embeddingBase64, route, bank, bankVersion, outOfScope);
        }
    }
}
