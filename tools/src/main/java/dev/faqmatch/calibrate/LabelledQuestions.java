package dev.faqmatch.calibrate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faqmatch.io.StrictJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A labelled question file: JSON lines {@code {"id", "text", "expected_faq_id"}}, the expected id
 * null (or absent) where no entry of the bank answers the question. Blank lines and lines starting
 * with {@code #} are skipped; every problem names the file and line.
 */
public final class LabelledQuestions {
    /** One labelled question; {@code expected} null when the bank has no answer for it. */
    public record Labelled(String id, String text, String expected) {
        public boolean answerable() {
            return expected != null;
        }
    }

    private LabelledQuestions() {}

    /**
     * @param bankIds the ids of the bank's entries: a label naming another id is an error
     * @throws IllegalArgumentException with one line that says what to fix
     */
    public static List<Labelled> read(Path file, Set<String> bankIds) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("question file " + file + " does not exist or is not a file");
        }
        List<Labelled> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String trimmed = line.strip();
                if (number == 1 && trimmed.startsWith("\uFEFF")) {
                    trimmed = trimmed.substring(1);
                }
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String where = file + " line " + number + ": ";
                JsonNode node;
                try {
                    node = StrictJson.read(trimmed);
                } catch (IOException e) {
                    throw new IllegalArgumentException(where + "not valid JSON (" + StrictJson.describe(e) + ")");
                }
                if (node == null || !node.isObject()) {
                    throw new IllegalArgumentException(where + "expected {\"id\", \"text\", \"expected_faq_id\"}");
                }
                String id = text(node, "id", where);
                String text = text(node, "text", where);
                JsonNode expected = node.get("expected_faq_id");
                String expectedId = null;
                if (expected != null && !expected.isNull()) {
                    if (!expected.isTextual() || expected.asText().isBlank()) {
                        throw new IllegalArgumentException(where + "'expected_faq_id' must be an FAQ id or null");
                    }
                    expectedId = expected.asText().strip();
                    if (!bankIds.contains(expectedId)) {
                        throw new IllegalArgumentException(where + "'expected_faq_id' '" + expectedId
                                + "' is not an entry of the bank (use null for a question no entry answers)");
                    }
                }
                if (!ids.add(id)) {
                    throw new IllegalArgumentException(where + "duplicate id '" + id + "'");
                }
                out.add(new Labelled(id, text, expectedId));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("question file " + file + " has no questions");
        }
        return out;
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(where + "'" + field + "' must be a non-empty string");
        }
        return value.asText().strip();
    }
}
