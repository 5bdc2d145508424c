package dev.faqmatch.inference;

import java.nio.FloatBuffer;
import java.util.Locale;

/** How token embeddings become one sentence embedding. */
public enum Pooling {
    /** The first token's ([CLS]) embedding: BAAI/bge models. */
    CLS,
    /** The attention-masked mean of all token embeddings: sentence-transformers models. */
    MEAN;

    /**
     * Pools one sequence of a batch output.
     *
     * @param hidden token embeddings of the whole batch, row-major [batch, seqLen, dim]
     * @param sequence which sequence of the batch
     * @param seqLen padded sequence length of the batch
     * @param dim embedding size
     * @param tokens number of real (unpadded) tokens of this sequence; padding follows them
     */
    public float[] pool(float[] hidden, int sequence, int seqLen, int dim, int tokens) {
        float[] out = new float[dim];
        int base = sequence * seqLen * dim;
        switch (this) {
            case CLS -> System.arraycopy(hidden, base, out, 0, dim);
            case MEAN -> {
                for (int t = 0; t < tokens; t++) {
                    int row = base + t * dim;
                    for (int d = 0; d < dim; d++) {
                        out[d] += hidden[row + d];
                    }
                }
                float inv = 1.0f / Math.max(tokens, 1);
                for (int d = 0; d < dim; d++) {
                    out[d] *= inv;
                }
            }
        }
        return out;
    }

    /** As {@link #pool(float[], int, int, int, int)}, reading ONNX Runtime's output buffer in place. */
    public float[] pool(FloatBuffer hidden, int sequence, int seqLen, int dim, int tokens) {
        float[] out = new float[dim];
        int base = sequence * seqLen * dim;
        switch (this) {
            case CLS -> hidden.get(base, out, 0, dim);
            case MEAN -> {
                float[] row = new float[dim];
                for (int t = 0; t < tokens; t++) {
                    hidden.get(base + t * dim, row, 0, dim);
                    for (int d = 0; d < dim; d++) {
                        out[d] += row[d];
                    }
                }
                float inv = 1.0f / Math.max(tokens, 1);
                for (int d = 0; d < dim; d++) {
                    out[d] *= inv;
                }
            }
        }
        return out;
    }

    public static Pooling parse(String value) {
        try {
            return Pooling.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "unknown pooling '" + value + "': expected 'mean' or 'cls'");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
