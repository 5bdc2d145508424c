package dev.faqmatch.faq;

import java.io.Serializable;
import java.util.List;

/** One entry of the FAQ bank. */
public record FaqEntry(String id, String question, String answer, List<String> tags) implements Serializable {
    public FaqEntry {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
