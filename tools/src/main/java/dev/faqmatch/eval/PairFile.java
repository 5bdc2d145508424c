package dev.faqmatch.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faqmatch.io.StrictJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads sentence-pair files: {@code text1<TAB>text2<TAB>label} lines (LCQMC, ATEC, PAWS-X, STS-B
 * as in {@code ../shared/data}), or CLUE-style JSON lines with {@code sentence1}, {@code sentence2}
 * and {@code label}, the label a number or a string holding one. The format is decided per line,
 * so a line starting with '{' is JSON. Blank lines are skipped; any other bad line fails the whole
 * file with its line number, since a silently dropped pair changes the score.
 *
 * <p>Texts are kept exactly as written (no trimming): the published scores were computed on the
 * raw texts, and the tokenizer decides what whitespace means.
 */
public final class PairFile {
    /** One labelled pair; {@code label} is 0/1 for paraphrase sets, a grade (0..5) for STS-B. */
    public record Pair(String text1, String text2, double label) {}

    private PairFile() {}

    /** All pairs of a file. */
    public static List<Pair> read(Path file) {
        return read(file, Integer.MAX_VALUE);
    }

    /** The first {@code limit} pairs of a file; the rest is not even read. */
    public static List<Pair> read(Path file, int limit) {
        if (!Files.isRegularFile(file)) {
            throw new PairFileException("pair file " + file + " does not exist or is not a file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), limit);
        } catch (IOException e) {
            throw new PairFileException("cannot read pair file " + file + ": " + e.getMessage(), e);
        }
    }

    public static List<Pair> read(InputStream in, String where, int limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        List<Pair> pairs = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        while (pairs.size() < limit && (line = reader.readLine()) != null) {
            number++;
            if (number == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // byte-order mark of editors that save UTF-8 with one
            }
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1); // files written on Windows
            }
            if (line.isBlank()) {
                continue;
            }
            String at = where + " line " + number;
            pairs.add(line.stripLeading().startsWith("{") ? parseJson(line, at) : parseTabs(line, at));
        }
        if (pairs.isEmpty()) {
            throw new PairFileException("pair file " + where + " has no pairs");
        }
        return pairs;
    }

    static Pair parseTabs(String line, String at) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 3) {
            throw new PairFileException(at + ": expected text1<TAB>text2<TAB>label (3 fields), found "
                    + fields.length + " field(s)");
        }
        return new Pair(fields[0], fields[1], label(fields[2].strip(), at));
    }

    static Pair parseJson(String line, String at) {
        JsonNode node;
        try {
            node = StrictJson.read(line);
        } catch (IOException e) {
            throw new PairFileException(at + ": not valid JSON (" + StrictJson.describe(e) + ")");
        }
        if (node == null || !node.isObject()) {
            throw new PairFileException(at + ": expected a JSON object with sentence1, sentence2 and label");
        }
        String text1 = text(node, "sentence1", at);
        String text2 = text(node, "sentence2", at);
        JsonNode label = node.get("label");
        if (label == null || label.isNull()) {
            throw new PairFileException(at + ": no 'label' (unlabelled test files cannot be evaluated)");
        }
        if (label.isNumber()) {
            return new Pair(text1, text2, label.asDouble());
        }
        if (label.isTextual()) {
            return new Pair(text1, text2, label(label.asText().strip(), at));
        }
        throw new PairFileException(at + ": 'label' must be a number or a string holding one");
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new PairFileException(at + ": '" + field + "' must be a string");
        }
        return value.asText();
    }

    private static double label(String value, String at) {
        try {
            double label = Double.parseDouble(value);
            if (Double.isFinite(label)) {
                return label;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PairFileException(at + ": label '" + value + "' is not a number (expected 0/1 or a similarity grade)");
    }
}
