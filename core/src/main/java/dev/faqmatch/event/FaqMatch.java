package dev.faqmatch.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One FAQ entry in a match event. */
public record FaqMatch(
        @JsonProperty("faq_id") String faqId,
        @JsonProperty("question") String question,
        @JsonProperty("answer") String answer,
        @JsonProperty("score") float score) {}
