package dev.faqmatch.event;

/** How a match event carries the question's embedding. */
public enum EmbeddingFormat {
    /** Left out. */
    NONE,
    /** {@code "embedding": [0.01, ...]}. */
    JSON,
    /** {@code "embedding_base64": "..."}: little-endian float32, about a third of the JSON's size. */
    BASE64
}
