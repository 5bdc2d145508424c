package dev.faqmatch.faq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An entry's fields as JSON, one reading for bank files and FAQ topic records alike:
 * {@code id}, {@code question}, {@code answer}, and optional {@code tags}, {@code similar},
 * {@code not_similar} and {@code kind} ({@code faq} or {@code out_of_scope}).
 */
public final class FaqEntryJson {
    public static final int MAX_TAGS = 64;
    /** Similar questions per entry: a large bank mined from logs has tens; hundreds are a mistake (and cost a row each). */
    public static final int MAX_SIMILAR = 200;
    public static final int MAX_NOT_SIMILAR = 50;
    /** Characters of one phrasing: a question, not a document (the model reads at most 512 tokens). */
    public static final int MAX_PHRASING_CHARS = 256;

    private FaqEntryJson() {}

    /** An entry's fields, or what is wrong with them. */
    public static final class InvalidEntryException extends Exception {
        InvalidEntryException(String message) {
            super(message);
        }
    }

    /** Reads an entry from a JSON object; the message of the exception says which field is wrong and how. */
    public static FaqEntry read(JsonNode node) throws InvalidEntryException {
        if (node == null || !node.isObject()) {
            throw new InvalidEntryException("expected a JSON object with id, question and answer");
        }
        FaqEntry.Kind kind = FaqEntry.Kind.FAQ;
        JsonNode kindNode = node.get("kind");
        if (kindNode != null && !kindNode.isNull()) {
            kind = kindNode.isTextual() ? FaqEntry.Kind.of(kindNode.asText()) : null;
            if (kind == null) {
                throw new InvalidEntryException("'kind' must be \"faq\" or \"out_of_scope\"");
            }
        }
        String id = requiredText(node, "id");
        String question = requiredText(node, "question");
        String answer = kind == FaqEntry.Kind.OUT_OF_SCOPE && isAbsent(node.get("answer")) ? ""
                : requiredText(node, "answer");
        List<String> tags = strings(node, "tags", MAX_TAGS, Integer.MAX_VALUE);
        List<String> similar = strings(node, "similar", MAX_SIMILAR, MAX_PHRASING_CHARS);
        List<String> notSimilar = strings(node, "not_similar", MAX_NOT_SIMILAR, MAX_PHRASING_CHARS);
        Set<String> phrasings = new HashSet<>();
        phrasings.add(question);
        for (int i = 0; i < similar.size(); i++) {
            if (!phrasings.add(similar.get(i))) {
                throw new InvalidEntryException("'similar' item " + (i + 1) + " '" + abbreviate(similar.get(i))
                        + "' repeats the question or an earlier similar question");
            }
        }
        Set<String> negatives = new HashSet<>();
        for (int i = 0; i < notSimilar.size(); i++) {
            String n = notSimilar.get(i);
            if (phrasings.contains(n)) {
                throw new InvalidEntryException("'not_similar' item " + (i + 1) + " '" + abbreviate(n)
                        + "' is also the question or a similar question of the entry");
            }
            if (!negatives.add(n)) {
                throw new InvalidEntryException("'not_similar' item " + (i + 1) + " '" + abbreviate(n) + "' is repeated");
            }
        }
        return new FaqEntry(id, question, answer, tags, similar, notSimilar, kind);
    }

    /** Writes the entry's fields into {@code node} as {@link #read} reads them; empty lists and the default kind are left out. */
    public static ObjectNode write(FaqEntry entry, ObjectNode node) {
        node.put("id", entry.id()).put("question", entry.question());
        if (!entry.answer().isEmpty() || !entry.outOfScope()) {
            node.put("answer", entry.answer());
        }
        if (entry.outOfScope()) {
            node.put("kind", entry.kind().code());
        }
        putAll(node.putArray("tags"), entry.tags());
        if (!entry.similar().isEmpty()) {
            putAll(node.putArray("similar"), entry.similar());
        }
        if (!entry.notSimilar().isEmpty()) {
            putAll(node.putArray("not_similar"), entry.notSimilar());
        }
        return node;
    }

    private static void putAll(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull();
    }

    /** A required non-blank string field, stripped (the FAQ record's {@code tenant} is read the same way). */
    public static String requiredText(JsonNode node, String field) throws InvalidEntryException {
        JsonNode value = node.get(field);
        if (isAbsent(value)) {
            throw new InvalidEntryException("'" + field + "' is missing");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidEntryException("'" + field + "' must be a non-empty string");
        }
        return value.asText().strip();
    }

    /** An optional array of strings; phrasings ({@code maxChars} bounded) must not be blank. */
    private static List<String> strings(JsonNode node, String field, int maxItems, int maxChars)
            throws InvalidEntryException {
        JsonNode array = node.get(field);
        if (isAbsent(array)) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new InvalidEntryException("'" + field + "' must be an array of strings");
        }
        if (array.size() > maxItems) {
            throw new InvalidEntryException("'" + field + "' has " + array.size() + " items, more than " + maxItems);
        }
        boolean phrasings = maxChars != Integer.MAX_VALUE;
        List<String> values = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            if (!item.isTextual()) {
                throw new InvalidEntryException("'" + field + "' must be an array of strings; item " + (i + 1) + " is "
                        + item.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            String value = phrasings ? item.asText().strip() : item.asText();
            if (phrasings && value.isEmpty()) {
                throw new InvalidEntryException("'" + field + "' item " + (i + 1) + " is empty");
            }
            if (value.length() > maxChars) {
                throw new InvalidEntryException("'" + field + "' item " + (i + 1) + " has " + value.length()
                        + " characters, more than " + maxChars);
            }
            values.add(value);
        }
        return values;
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
