package dev.faqmatch.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;

/**
 * Tokenizes text exactly as the model's Hugging Face {@code tokenizer.json} says (through the
 * tokenizers library's own Rust implementation), truncating at the model's max_seq_len.
 * Thread-safe.
 */
public final class TextEncoder implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final boolean lowercase;
    private final int vocabSize;

    public TextEncoder(ModelSource model) {
        ModelSpec spec = model.spec();
        byte[] json;
        try (InputStream in = model.openTokenizer()) {
            json = in.readAllBytes();
        } catch (IOException e) {
            throw new ModelException("cannot read tokenizer.json of " + model.id() + ": " + e.getMessage(), e);
        }
        this.vocabSize = vocabSize(json, model.id());
        String max = Integer.toString(spec.maxSeqLen());
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "truncation", "true",
                "padding", "false",
                "maxLength", max,
                "modelMaxLength", max);
        try (InputStream in = new java.io.ByteArrayInputStream(json)) {
            this.tokenizer = HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException | RuntimeException e) {
            throw new ModelException("tokenizer.json of " + model.id() + " cannot be loaded: " + e.getMessage(), e);
        }
        this.lowercase = spec.lowercase();
    }

    public TokenizedText encode(String text) {
        Encoding encoding = tokenizer.encode(lowercase ? text.toLowerCase(Locale.ROOT) : text);
        return new TokenizedText(encoding.getIds(), encoding.exceedMaxLength());
    }

    /** One more than the largest id the tokenizer can produce. */
    public int vocabSize() {
        return vocabSize;
    }

    private static int vocabSize(byte[] json, String modelId) {
        try {
            JsonNode root = new ObjectMapper().readTree(json);
            int size = 0;
            for (JsonNode id : root.path("model").path("vocab")) {
                size = Math.max(size, id.asInt(-1) + 1);
            }
            for (JsonNode added : root.path("added_tokens")) {
                size = Math.max(size, added.path("id").asInt(-1) + 1);
            }
            if (size == 0) {
                throw new ModelException("tokenizer.json of " + modelId + " has no model.vocab");
            }
            return size;
        } catch (IOException e) {
            throw new ModelException("tokenizer.json of " + modelId + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
