package dev.faqmatch.match;

import dev.faqmatch.event.EmbeddingFormat;
import dev.faqmatch.event.EventCodec;
import dev.faqmatch.event.FaqMatch;
import dev.faqmatch.event.MatchEvent;
import dev.faqmatch.event.Question;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.faq.ScoredFaq;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.EmbeddingCache;
import dev.faqmatch.inference.MicroBatcher;
import dev.faqmatch.inference.TokenizedText;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers questions with their nearest FAQ entries. {@link #match} tokenizes on the caller's
 * thread (so tokenizing overlaps the model run of the batch before) and enqueues; a
 * {@link MicroBatcher} runs the model once per batch, then top-k for each question. A question
 * whose exact text was embedded recently is answered from the {@link EmbeddingCache} without a
 * model run.
 */
public final class FaqMatcher implements AutoCloseable {

    /**
     * @param topK matches per event unless a question asks otherwise
     * @param minScore best-match cosine needed for {@code matched: true}
     * @param embedding how events carry the embedding
     * @param cacheMaxEntries texts whose embedding is kept for exact repeats; 0 for none
     */
    public record Options(int topK, double minScore, EmbeddingFormat embedding, int batchMaxSize, Duration batchMaxDelay,
            int cacheMaxEntries) implements Serializable {
        /** Without a result cache. */
        public Options(int topK, double minScore, EmbeddingFormat embedding, int batchMaxSize, Duration batchMaxDelay) {
            this(topK, minScore, embedding, batchMaxSize, batchMaxDelay, 0);
        }
    }

    private record Pending(Question question, TokenizedText tokens) {}

    private final Embedder embedder;
    private final FaqIndex index;
    private final Options options;
    private final MicroBatcher<Pending, MatchEvent> batcher;
    private final EmbeddingCache cache;

    public FaqMatcher(String name, Embedder embedder, FaqIndex index, Options options, MicroBatcher.BatchListener listener) {
        this(name, embedder, index, options, listener, new EmbeddingCache(options.cacheMaxEntries()));
    }

    /**
     * @param cache embeddings of recent texts, possibly shared with the other slots of this JVM
     *     (a repeated question lands on any slot); must belong to the same model
     */
    public FaqMatcher(String name, Embedder embedder, FaqIndex index, Options options, MicroBatcher.BatchListener listener,
            EmbeddingCache cache) {
        if (index.dim() != embedder.spec().dim()) {
            throw new IllegalArgumentException("FAQ index dim " + index.dim() + " != model dim " + embedder.spec().dim());
        }
        this.embedder = embedder;
        this.index = index;
        this.options = options;
        this.cache = cache;
        this.batcher = new MicroBatcher<>(name, options.batchMaxSize(), options.batchMaxDelay(), this::process, listener);
    }

    public CompletableFuture<MatchEvent> match(Question question) {
        EmbeddingCache.Entry cached = cache.get(question.text());
        if (cached != null) {
            // A repeated question skips the batcher: answered on the caller's thread at once.
            try {
                return CompletableFuture.completedFuture(
                        event(question, cached.truncated(), cached.vector(), nowMicros()));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        TokenizedText tokens;
        try {
            tokens = embedder.tokenize(question.text());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return batcher.submit(new Pending(question, tokens));
    }

    private List<MatchEvent> process(List<Pending> batch) {
        List<TokenizedText> tokens = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            tokens.add(p.tokens());
        }
        float[][] vectors = embedder.embed(tokens);
        long nowMicros = nowMicros();
        List<MatchEvent> events = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            cache.put(p.question().text(), new EmbeddingCache.Entry(vectors[i], p.tokens().truncated()));
            events.add(event(p.question(), p.tokens().truncated(), vectors[i], nowMicros));
        }
        return events;
    }

    private static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    private MatchEvent event(Question q, boolean truncated, float[] vector, long nowMicros) {
        int k = q.topK() != null ? q.topK() : options.topK();
        List<ScoredFaq> top = index.topK(vector, k);
        List<FaqMatch> matches = new ArrayList<>(top.size());
        for (ScoredFaq s : top) {
            matches.add(new FaqMatch(s.entry().id(), s.entry().question(), s.entry().answer(), s.score()));
        }
        boolean matched = !top.isEmpty() && top.get(0).score() >= options.minScore();
        double latencyMs = (nowMicros - q.receivedAtMicros()) / 1000.0;
        return new MatchEvent(MatchEvent.SCHEMA, q.id(), q.text(), q.tenant(), q.ts(), embedder.spec().name(), matched,
                matches, truncated, latencyMs, nowMicros / 1000,
                options.embedding() == EmbeddingFormat.JSON ? vector : null,
                options.embedding() == EmbeddingFormat.BASE64 ? EventCodec.base64(vector) : null);
    }

    /** The exact-text embedding cache (its hit counts are metrics). */
    public EmbeddingCache cache() {
        return cache;
    }

    /** Questions waiting for a batch. */
    public int queued() {
        return batcher.queued();
    }

    public FaqIndex index() {
        return index;
    }

    public Embedder embedder() {
        return embedder;
    }

    /** Stops the batcher; questions not yet matched fail. The embedder and index are not closed. */
    @Override
    public void close() {
        batcher.close();
    }
}
