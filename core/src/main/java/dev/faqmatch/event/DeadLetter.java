package dev.faqmatch.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A record that is not a valid question (schema 1): why, the raw bytes, and where it came from.
 * The payload and key are kept as UTF-8 text when they are valid UTF-8, else as base64. A payload
 * longer than the dead-letter limit is cut ({@code payload_truncated}); the whole record stays in
 * the source topic at {@code source_offset}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schema", "reason", "detail", "source_topic", "source_partition", "source_offset",
        "source_timestamp", "key", "key_encoding", "payload", "payload_encoding", "payload_bytes", "payload_truncated",
        "failed_at"})
public record DeadLetter(
        @JsonProperty("schema") int schema,
        @JsonProperty("reason") String reason,
        @JsonProperty("detail") String detail,
        @JsonProperty("source_topic") String sourceTopic,
        @JsonProperty("source_partition") int sourcePartition,
        @JsonProperty("source_offset") long sourceOffset,
        @JsonProperty("source_timestamp") long sourceTimestamp,
        @JsonProperty("key") String key,
        @JsonProperty("key_encoding") String keyEncoding,
        @JsonProperty("payload") String payload,
        @JsonProperty("payload_encoding") String payloadEncoding,
        @JsonProperty("payload_bytes") Integer payloadBytes,
        @JsonProperty("payload_truncated") Boolean payloadTruncated,
        @JsonProperty("failed_at") long failedAt) {

    public static final int SCHEMA = 1;
}
