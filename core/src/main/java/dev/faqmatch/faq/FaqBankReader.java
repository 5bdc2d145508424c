package dev.faqmatch.faq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.io.Locations;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an FAQ bank: JSON lines of {@code {"id", "question", "answer", "tags"?}}. Blank lines and
 * lines starting with {@code #} are skipped. Every problem fails the whole bank with the line
 * number, so that a job never starts with half a bank.
 */
public final class FaqBankReader {
    /** Prefix of a bank shipped inside the jar, e.g. the sample bank. */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FaqBankReader() {}

    /** Reads {@code classpath:path/in/jar} or a file path. */
    public static List<FaqEntry> read(String location) {
        try (InputStream in = Locations.open(location)) {
            return read(in, location);
        } catch (FileNotFoundException e) {
            throw new FaqBankException("FAQ bank " + e.getMessage() + " (setting 'faq.bank')", e);
        } catch (IOException e) {
            throw new FaqBankException("cannot read FAQ bank " + location + ": " + e.getMessage()
                    + " (setting 'faq.bank')", e);
        }
    }

    public static List<FaqEntry> read(InputStream in, String where) throws IOException {
        List<FaqEntry> entries = new ArrayList<>();
        Map<String, Integer> lineOfId = new HashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            if (number == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // byte-order mark of editors that save UTF-8 with one
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            FaqEntry entry = parse(trimmed, where + " line " + number);
            Integer previous = lineOfId.putIfAbsent(entry.id(), number);
            if (previous != null) {
                throw new FaqBankException(where + " line " + number + ": duplicate FAQ id '" + entry.id()
                        + "' (first on line " + previous + "); ids must be unique");
            }
            entries.add(entry);
        }
        if (entries.isEmpty()) {
            throw new FaqBankException("FAQ bank " + where + " has no entries");
        }
        return entries;
    }

    private static FaqEntry parse(String line, String where) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (IOException e) {
            throw new FaqBankException(where + ": not valid JSON (" + e.getMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new FaqBankException(where + ": expected a JSON object with id, question and answer");
        }
        List<String> tags = new ArrayList<>();
        JsonNode tagNode = node.get("tags");
        if (tagNode != null && !tagNode.isNull()) {
            if (!tagNode.isArray()) {
                throw new FaqBankException(where + ": 'tags' must be an array of strings");
            }
            for (JsonNode tag : tagNode) {
                if (!tag.isTextual()) {
                    throw new FaqBankException(where + ": 'tags' must be an array of strings");
                }
                tags.add(tag.asText());
            }
        }
        return new FaqEntry(text(node, "id", where), text(node, "question", where), text(node, "answer", where), tags);
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new FaqBankException(where + ": '" + field + "' must be a non-empty string");
        }
        return value.asText().strip();
    }
}
