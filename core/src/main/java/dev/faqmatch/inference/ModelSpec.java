package dev.faqmatch.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.io.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code model.json} of a model directory: how to turn the graph's token embeddings into a
 * sentence embedding.
 *
 * @param name model name reported in every match event
 * @param pooling how token embeddings are pooled
 * @param normalize whether sentence embeddings are scaled to unit length
 * @param maxSeqLen tokens per text, special tokens included; longer texts are truncated
 * @param output the graph output holding token embeddings [batch, seq, dim]
 * @param dim embedding size
 * @param lowercase lower-case text before tokenizing; only for models whose tokenizer.json does
 *     not do it although their vocabulary is lower case (off by default: following tokenizer.json
 *     as it is reproduces published scores)
 */
public record ModelSpec(
        String name,
        Pooling pooling,
        boolean normalize,
        int maxSeqLen,
        String output,
        int dim,
        boolean lowercase)
        implements Serializable {

    public static final int MAX_SEQ_LEN_LIMIT = 8192;

    public ModelSpec {
        require(name != null && !name.isBlank(), "'name' must be a non-empty string");
        require(pooling != null, "'pooling' must be 'mean' or 'cls'");
        require(maxSeqLen >= 3 && maxSeqLen <= MAX_SEQ_LEN_LIMIT,
                "'max_seq_len' must be between 3 and " + MAX_SEQ_LEN_LIMIT + ", got " + maxSeqLen);
        require(output != null && !output.isBlank(), "'output' must name a graph output");
        require(dim > 0, "'dim' must be a positive integer, got " + dim);
    }

    /** BAAI/bge-small-zh-v1.5 as published: CLS pooling, normalized, 512 tokens, dim 512. */
    public static ModelSpec bgeSmallZhV15() {
        return new ModelSpec("bge-small-zh-v1.5", Pooling.CLS, true, 512, "last_hidden_state", 512, false);
    }

    /** Reads model.json; every problem is reported with the field to fix. */
    public static ModelSpec read(InputStream json, String where) {
        JsonNode root;
        try {
            root = StrictJson.read(json);
        } catch (IOException e) {
            throw new ModelException(where + " is not valid JSON: " + StrictJson.describe(e));
        }
        if (root == null || !root.isObject()) {
            throw new ModelException(where + " must hold a JSON object");
        }
        try {
            return new ModelSpec(
                    text(root, "name", null),
                    Pooling.parse(text(root, "pooling", null)),
                    bool(root, "normalize", true),
                    integer(root, "max_seq_len", 512),
                    text(root, "output", "last_hidden_state"),
                    integer(root, "dim", -1),
                    bool(root, "lowercase", false));
        } catch (IllegalArgumentException e) {
            throw new ModelException(where + ": " + e.getMessage());
        }
    }

    /** Reads a model.json file; every problem is reported with the file and the field to fix. */
    public static ModelSpec read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes this spec as a model.json file, which {@link #read(Path)} reads back as this spec.
     * Every model directory the project writes gets its model.json here, so that what is written
     * and what is read cannot drift apart.
     */
    public void write(Path file) {
        try {
            Files.writeString(file, toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** This spec as model.json, with the fields {@link #read} reads. */
    public String toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", name);
        fields.put("pooling", pooling.id());
        fields.put("normalize", normalize);
        fields.put("max_seq_len", maxSeqLen);
        fields.put("output", output);
        fields.put("dim", dim);
        fields.put("lowercase", lowercase);
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(fields) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("a map of strings, numbers and booleans always serializes", e);
        }
    }

    private static int integer(JsonNode root, String field, int fallback) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException("field '" + field + "' must be an integer");
        }
        return n.asInt();
    }

    private static boolean bool(JsonNode root, String field, boolean fallback) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw new IllegalArgumentException("field '" + field + "' must be true or false");
        }
        return n.asBoolean();
    }

    private static String text(JsonNode root, String field, String fallback) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (fallback == null) {
                throw new IllegalArgumentException("missing required field '" + field + "'");
            }
            return fallback;
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' must be a string");
        }
        return n.asText();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
