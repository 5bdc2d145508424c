package dev.faqmatch.calibrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faqmatch.cli.Cli;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqEntryJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Turns a public bank FAQ set (JSON lines {@code id, question, answer, paraphrases}) into what
 * {@code deploy/calibrate.sh} reads, on the held-out split of {@code deploy/finetune-model.py}
 * (a paraphrase's split is fixed by the SHA-256 of its text: ~20% test, ~5% valid, the rest train):
 * <ul>
 *   <li>{@code bank.jsonl}: each standard question with its train paraphrases as similar questions;</li>
 *   <li>{@code bank-plain.jsonl}: the standard questions alone;</li>
 *   <li>{@code test.jsonl} and {@code valid.jsonl}: that split's paraphrases, labelled with their
 *       entry, plus as many general-domain questions without an entry (texts of a pair file, split
 *       in two halves by the same hash so that test and valid never share one).</li>
 * </ul>
 * A paraphrase that is a phrasing of another entry, or that a query repeats verbatim, is left out
 * (the bank would hold the question itself), and the counts say how many.
 */
public final class FaqSets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FaqSets() {}

    /** The split of finetune-model.py: 'test', 'valid' or 'train'. */
    static String split(String text) {
        int bucket = (int) (Integer.toUnsignedLong(hash(key(text))) % 20);
        return bucket <= 3 ? "test" : bucket == 4 ? "valid" : "train";
    }

    private static String key(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return t.strip();
    }

    private static int hash(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return ((d[0] & 0xff) << 24) | ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Command(name = "dev.faqmatch.calibrate.FaqSets",
            description = {"Turns a public bank FAQ set into a bank and labelled questions for deploy/calibrate.sh,"
                    + " on the held-out split of deploy/finetune-model.py (docs/ACCURACY.md).", ""})
    static final class Options {
        @Parameters(index = "0", paramLabel = "FAQ.jsonl", description = "JSON lines of id, question, answer, paraphrases.")
        Path faqFile;

        @Parameters(index = "1", paramLabel = "GENERAL-PAIRS",
                description = "A pair file whose texts are the general-domain questions without an entry.")
        Path generalPairs;

        @Parameters(index = "2", paramLabel = "OUT-DIR",
                description = "Where bank.jsonl, bank-plain.jsonl, test.jsonl and valid.jsonl go.")
        Path out;
    }

    public static void main(String[] args) throws IOException {
        Options o = Cli.parseOrExit(new Options(), args);
        System.out.println(write(o.faqFile, o.generalPairs, o.out));
    }

    /** Writes the four files; returns a line of counts. */
    static String write(Path faqFile, Path generalPairs, Path out) throws IOException {
        List<JsonNode> source = new ArrayList<>();
        for (String line : Files.readAllLines(faqFile, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                source.add(JSON.readTree(line.startsWith("\uFEFF") ? line.substring(1) : line));
            }
        }
        Map<String, String> owner = new HashMap<>(); // phrasing -> entry id
        List<FaqEntry> bank = new ArrayList<>();
        List<FaqEntry> plain = new ArrayList<>();
        Map<String, List<String[]>> queries = Map.of("test", new ArrayList<>(), "valid", new ArrayList<>());
        int dropped = 0;
        for (JsonNode e : source) {
            String id = e.get("id").asText();
            String question = key(e.get("question").asText());
            if (owner.putIfAbsent(question, id) != null) {
                dropped++;
                continue; // two entries with one standard question: the second cannot be told apart
            }
            List<String> similar = new ArrayList<>();
            for (JsonNode p : e.path("paraphrases")) {
                String text = key(p.asText());
                if (text.isEmpty()) {
                    continue;
                }
                String split = split(text);
                if (split.equals("train")) {
                    if (similar.size() < FaqEntryJson.MAX_SIMILAR && text.length() <= FaqEntryJson.MAX_PHRASING_CHARS
                            && owner.putIfAbsent(text, id) == null) {
                        similar.add(text);
                    } else {
                        dropped++;
                    }
                } else {
                    queries.get(split).add(new String[] {text, id});
                }
            }
            String answer = e.path("answer").asText("").isBlank() ? "-" : e.get("answer").asText();
            bank.add(new FaqEntry(id, question, answer, List.of(), similar, List.of(), FaqEntry.Kind.FAQ));
            plain.add(new FaqEntry(id, question, answer, List.of()));
        }
        // General-domain texts, halved by hash between test and valid.
        Map<String, List<String>> general = Map.of("test", new ArrayList<>(), "valid", new ArrayList<>());
        Set<String> seen = new LinkedHashSet<>();
        for (String line : Files.readAllLines(generalPairs, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            for (int i = 0; i < Math.min(2, f.length); i++) {
                String t = key(f[i]);
                if (!t.isEmpty() && !owner.containsKey(t) && seen.add(t)) {
                    general.get((hash("general:" + t) & 1) == 0 ? "test" : "valid").add(t);
                }
            }
        }
        Files.createDirectories(out);
        writeBank(out.resolve("bank.jsonl"), bank);
        writeBank(out.resolve("bank-plain.jsonl"), plain);
        StringBuilder counts = new StringBuilder(String.format("%s: %d entries, %d similar questions (%d paraphrases left"
                + " out: repeated or over the limits)", faqFile.getFileName(), bank.size(),
                bank.stream().mapToInt(x -> x.similar().size()).sum(), dropped));
        for (String split : List.of("test", "valid")) {
            int repeats = 0;
            int n = 0;
            try (BufferedWriter w = Files.newBufferedWriter(out.resolve(split + ".jsonl"), StandardCharsets.UTF_8)) {
                Set<String> asked = new LinkedHashSet<>();
                for (String[] q : queries.get(split)) {
                    if (owner.containsKey(q[0]) || !asked.add(q[0])) {
                        repeats++;
                        continue;
                    }
                    w.write(question(split + "-" + n++, q[0], q[1]));
                    w.newLine();
                }
                int answerable = n;
                List<String> texts = general.get(split);
                for (int i = 0; i < Math.min(answerable, texts.size()); i++) {
                    w.write(question(split + "-" + n++, texts.get(i), null));
                    w.newLine();
                }
                counts.append(String.format("; %s: %d paraphrases (%d repeating a bank text left out) + %d general",
                        split, answerable, repeats, n - answerable));
            }
        }
        return counts.toString();
    }

    private static String question(String id, String text, String expected) {
        ObjectNode n = JSON.createObjectNode().put("id", id).put("text", text);
        n.put("expected_faq_id", expected);
        return n.toString();
    }

    private static void writeBank(Path file, List<FaqEntry> entries) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (FaqEntry e : entries) {
                w.write(FaqEntryJson.write(e, JSON.createObjectNode()).toString());
                w.newLine();
            }
        }
    }
}
