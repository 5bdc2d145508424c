package dev.faqmatch.event;

/**
 * A valid question, as the job carries it between operators.
 *
 * @param id the question's id (required, non-blank)
 * @param text the question (required, non-blank)
 * @param tenant optional tenant, echoed in the match event
 * @param ts optional client timestamp (epoch ms), echoed in the match event
 * @param topK optional number of matches wanted, else the job's match.top-k
 * @param receivedAtMicros when the job read it (epoch µs), for the event's latency_ms
 */
public record Question(String id, String text, String tenant, Long ts, Integer topK, long receivedAtMicros) {}
