package dev.faqmatch.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One FAQ entry in a match event.
 *
 * @param matchedText the entry's phrasing that scored it: its standard question or one of its
 *     similar questions (added within schema 1)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaqMatch(
        @JsonProperty("faq_id") String faqId,
        @JsonProperty("question") String question,
        @JsonProperty("answer") String answer,
        @JsonProperty("score") float score,
        @JsonProperty("matched_text") String matchedText) {

    public FaqMatch(String faqId, String question, String answer, float score) {
        this(faqId, question, answer, score, null);
    }
}
