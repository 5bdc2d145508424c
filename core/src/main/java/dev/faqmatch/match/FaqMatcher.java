package dev.faqmatch.match;

import dev.faqmatch.event.EmbeddingFormat;
import dev.faqmatch.event.EventCodec;
import dev.faqmatch.event.FaqMatch;
import dev.faqmatch.event.MatchEvent;
import dev.faqmatch.event.Question;
import dev.faqmatch.faq.BankHits;
import dev.faqmatch.faq.BankSnapshot;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Answers questions with their nearest FAQ entries. {@link #match} tokenizes on the caller's
 * thread (so tokenizing overlaps the model run of the batch before) and enqueues; a
 * {@link MicroBatcher} runs the model once per batch, then top-k for each question. A question
 * whose exact text was embedded recently is answered from the {@link EmbeddingCache} without a
 * model run, and copies of one text in one batch share one.
 */
public final class FaqMatcher implements AutoCloseable {

    /**
     * @param topK matches per event unless a question asks otherwise
     * @param embedding how events carry the embedding
     * @param cacheMaxEntries texts whose embedding is kept for exact repeats; 0 for none
     */
    public record Options(int topK, EmbeddingFormat embedding, int batchMaxSize, Duration batchMaxDelay,
            int cacheMaxEntries) implements Serializable {}

    private record Pending(Question question, TokenizedText tokens) {}

    private final Embedder embedder;
    private final BankLookup banks;
    private final Options options;
    private final MicroBatcher<Pending, MatchEvent> batcher;
    private final EmbeddingCache cache;
    private final Duration timeout;
    private final String timeoutSetting;

    private FaqMatcher(Builder b) {
        this.timeout = b.timeout;
        this.timeoutSetting = b.timeoutSetting;
        this.embedder = b.embedder;
        this.banks = b.banks;
        this.options = b.options;
        this.cache = b.cache != null ? b.cache : new EmbeddingCache(options.cacheMaxEntries());
        this.batcher = new MicroBatcher<>(b.name, options.batchMaxSize(), options.batchMaxDelay(), this::process,
                b.listener);
    }

    /** A matcher of {@code embedder}'s model with {@code options}; a bank (or banks) must be given. */
    public static Builder builder(Embedder embedder, Options options) {
        return new Builder(embedder, options);
    }

    /** Builds a {@link FaqMatcher}. */
    public static final class Builder {
        private final Embedder embedder;
        private final Options options;
        private String name = "faq-batcher";
        private MicroBatcher.BatchListener listener = (size, nanos, failed) -> {};
        private EmbeddingCache cache;
        private BankLookup banks;
        private Duration timeout;
        private String timeoutSetting;

        private Builder(Embedder embedder, Options options) {
            this.embedder = embedder;
            this.options = options;
        }

        /** The batcher thread's name. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Told of every batch (size, time, failure): metrics. */
        public Builder batchListener(MicroBatcher.BatchListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Embeddings of recent texts, possibly shared with the other slots of this JVM (a repeated
         * question lands on any slot); must belong to the same model. Default: a cache of its own
         * with {@link Options#cacheMaxEntries()} entries.
         */
        public Builder cache(EmbeddingCache cache) {
            this.cache = cache;
            return this;
        }

        /** One fixed bank for every question, routed with {@code thresholds}. */
        public Builder bank(FaqIndex index, Thresholds thresholds) {
            if (index.dim() != embedder.spec().dim()) {
                throw new IllegalArgumentException("FAQ index dim " + index.dim() + " != model dim " + embedder.spec().dim());
            }
            return banks(BankLookup.fixed(index, thresholds));
        }

        /**
         * The live banks of the tenants: a question is matched against the snapshot of its bank that
         * is live when its embedding is ready.
         */
        public Builder banks(BankLookup banks) {
            this.banks = banks;
            return this;
        }

        /**
         * A question not matched within {@code timeout} of its bank being live fails with a
         * {@link TimeoutException} that names {@code setting}; the time a question waits for a
         * bank that is still being embedded does not count. Default: no limit.
         */
        public Builder timeout(Duration timeout, String setting) {
            this.timeout = timeout;
            this.timeoutSetting = setting;
            return this;
        }

        public FaqMatcher build() {
            if (banks == null) {
                throw new IllegalStateException("a FaqMatcher needs a bank: call bank(...) or banks(...)");
            }
            return new FaqMatcher(this);
        }
    }

    public CompletableFuture<MatchEvent> match(Question question) {
        CompletableFuture<BankSnapshot> bank = banks.bank(question);
        if (!bank.isDone()) {
            // A tenant whose first bank is still being embedded: the question waits for it rather
            // than being matched against nothing, and its timeout starts when the bank is live.
            return bank.thenCompose(ready -> limited(question, matchNow(question)));
        }
        return limited(question, matchNow(question));
    }

    private CompletableFuture<MatchEvent> limited(Question question, CompletableFuture<MatchEvent> match) {
        if (timeout == null || match.isDone()) {
            return match;
        }
        return match.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(e -> {
            if (e instanceof TimeoutException) {
                return CompletableFuture.failedFuture(new TimeoutException("question '" + question.id() + "' was not"
                        + " matched within " + timeout.toMillis() + " ms (setting '" + timeoutSetting + "'); queue depth "
                        + queued()));
            }
            return CompletableFuture.failedFuture(e);
        });
    }

    private CompletableFuture<MatchEvent> matchNow(Question question) {
        EmbeddingCache.Entry cached = cache.get(question.text());
        if (cached != null) {
            // A repeated question skips the batcher: answered on the caller's thread at once.
            try {
                BankSnapshot bank = banks.bank(question).join();
                BankHits top = bank.index().search(cached.vector(), topK(question));
                return CompletableFuture.completedFuture(
                        event(question, cached.truncated(), cached.vector(), bank, top, nowMicros()));
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
        float[][] vectors = embed(batch);
        // Each question reads its bank's live snapshot once, here; the questions on one snapshot
        // are searched together, in one pass over its matrix.
        BankSnapshot[] bankOf = new BankSnapshot[batch.size()];
        Map<BankSnapshot, List<Integer>> byBank = new IdentityHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            bankOf[i] = banks.bank(batch.get(i).question()).join();
            byBank.computeIfAbsent(bankOf[i], b -> new ArrayList<>()).add(i);
        }
        List<BankHits> tops = new ArrayList<>(Collections.nCopies(batch.size(), null));
        byBank.forEach((bank, members) -> {
            float[][] queries = new float[members.size()][];
            int[] ks = new int[members.size()];
            for (int j = 0; j < members.size(); j++) {
                queries[j] = vectors[members.get(j)];
                ks[j] = topK(batch.get(members.get(j)).question());
            }
            List<BankHits> found = bank.index().search(queries, ks);
            for (int j = 0; j < members.size(); j++) {
                tops.set(members.get(j), found.get(j));
            }
        });
        long nowMicros = nowMicros();
        List<MatchEvent> events = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            cache.put(p.question().text(), new EmbeddingCache.Entry(vectors[i], p.tokens().truncated()));
            events.add(event(p.question(), p.tokens().truncated(), vectors[i], bankOf[i], tops.get(i), nowMicros));
        }
        return events;
    }

    /**
     * The embedding of each question of the batch. With the cache on, a text asked more than once
     * in one batch runs the model once (a burst of one question, as when a service fails, fills
     * whole batches with it before the first copy reaches the cache); the repeats count as hits.
     */
    private float[][] embed(List<Pending> batch) {
        List<TokenizedText> tokens = new ArrayList<>(batch.size());
        Map<String, Integer> firstRun = cache.maxEntries() == 0 ? null : new HashMap<>();
        int[] run = new int[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            String text = batch.get(i).question().text();
            Integer earlier = firstRun == null ? null : firstRun.putIfAbsent(text, tokens.size());
            if (earlier == null) {
                run[i] = tokens.size();
                tokens.add(batch.get(i).tokens());
            } else {
                run[i] = earlier;
                cache.countMissAsHit();
            }
        }
        float[][] distinct = embedder.embed(tokens);
        if (distinct.length == batch.size()) {
            return distinct;
        }
        float[][] vectors = new float[batch.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = distinct[run[i]];
        }
        return vectors;
    }

    private static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    private int topK(Question q) {
        return q.topK() != null ? q.topK() : options.topK();
    }

    private MatchEvent event(Question q, boolean truncated, float[] vector, BankSnapshot bank, BankHits hits,
            long nowMicros) {
        List<FaqMatch> matches = new ArrayList<>(hits.matches().size());
        for (ScoredFaq s : hits.matches()) {
            matches.add(faqMatch(s));
        }
        Thresholds thresholds = banks.thresholds(bank.tenant());
        double latencyMs = (nowMicros - q.receivedAtMicros()) / 1000.0;
        MatchEvent.Builder event = MatchEvent.builder(q.id())
                .question(q.text(), q.tenant(), q.ts())
                .model(embedder.spec().name())
                .matches(matches, thresholds.matched(hits))
                .truncated(truncated)
                .processed(nowMicros / 1000, latencyMs)
                .route(thresholds.route(hits).code())
                .bank(bank.tenant(), bank.version());
        switch (options.embedding()) {
            case JSON -> event.embedding(vector);
            case BASE64 -> event.embeddingBase64(EventCodec.base64(vector));
            default -> { }
        }
        if (hits.outOfScopeWins()) {
            event.outOfScope(faqMatch(hits.outOfScope()));
        }
        return event.build();
    }

    private static FaqMatch faqMatch(ScoredFaq s) {
        return new FaqMatch(s.entry().id(), s.entry().question(), s.entry().answer(), s.score(), s.matchedText());
    }

    /** The exact-text embedding cache (its hit counts are metrics). */
    public EmbeddingCache cache() {
        return cache;
    }

    /** Questions waiting for a batch. */
    public int queued() {
        return batcher.queued();
    }

    /** Stops the batcher; questions not yet matched fail. The embedder and index are not closed. */
    @Override
    public void close() {
        batcher.close();
    }
}
