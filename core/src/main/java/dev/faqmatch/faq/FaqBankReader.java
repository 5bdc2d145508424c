package dev.faqmatch.faq;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faqmatch.io.Locations;
import dev.faqmatch.io.StrictJson;
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
 * Reads an FAQ bank: JSON lines of {@code {"id", "question", "answer", "tags"?, "similar"?,
 * "not_similar"?, "kind"?}} ({@link FaqEntryJson}). Blank lines and
 * lines starting with {@code #} are skipped. Every problem fails the whole bank with the line
 * number, so that a job never starts with half a bank.
 */
public final class FaqBankReader {
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
        // Where each phrasing was first seen: one text answering two entries is an authoring
        // mistake (the two would always tie), found here with both lines rather than as clarify routes.
        Map<String, String> phrasingOwner = new HashMap<>();
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
            String here = where + " line " + number;
            FaqEntry entry = parse(trimmed, here);
            Integer previous = lineOfId.putIfAbsent(entry.id(), number);
            if (previous != null) {
                throw new FaqBankException(here + ": duplicate FAQ id '" + entry.id()
                        + "' (first on line " + previous + "); ids must be unique");
            }
            for (String phrasing : entry.phrasings()) {
                String owner = phrasingOwner.putIfAbsent(phrasing, entry.id() + "' (line " + number + ")");
                if (owner != null) {
                    throw new FaqBankException(here + ": the phrasing '" + FaqEntryJson.abbreviate(phrasing)
                            + "' of '" + entry.id() + "' is already a phrasing of '" + owner
                            + "; a text may answer one entry only");
                }
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
            node = StrictJson.read(line);
        } catch (IOException e) {
            throw new FaqBankException(where + ": not valid JSON (" + StrictJson.describe(e) + ")");
        }
        try {
            return FaqEntryJson.read(node);
        } catch (FaqEntryJson.InvalidEntryException e) {
            throw new FaqBankException(where + ": " + e.getMessage());
        }
    }
}
