package dev.faqmatch.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.io.Locations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of questions to publish: JSON lines ({@code {"id", "text", "expected_faq_id"?}}) or
 * plain text, one question a line (ids are then made up from the line number).
 */
public final class QuestionFile {
    /** The sample questions shipped in the jar. */
    public static final String SAMPLE = "classpath:samples/questions.jsonl";

    /**
     * One question; {@code expectedFaqId} is null when unknown or when no entry answers it, which
     * {@code labelled} tells apart ({@code "expected_faq_id": null} is labelled).
     */
    public record Entry(String id, String text, String expectedFaqId, boolean labelled) {}

    private QuestionFile() {}

    public static List<Entry> read(String location) throws IOException {
        try (InputStream in = Locations.open(location)) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            ObjectMapper mapper = new ObjectMapper();
            List<Entry> entries = new ArrayList<>();
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String trimmed = line.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (trimmed.startsWith("{")) {
                    JsonNode node = mapper.readTree(trimmed);
                    String id = node.hasNonNull("id") ? node.get("id").asText() : "line-" + number;
                    String expected = node.hasNonNull("expected_faq_id") ? node.get("expected_faq_id").asText() : null;
                    entries.add(new Entry(id, node.path("text").asText(), expected, node.has("expected_faq_id")));
                } else {
                    entries.add(new Entry("line-" + number, trimmed, null, false));
                }
            }
            return entries;
        }
    }
}
