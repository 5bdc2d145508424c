package dev.faqmatch.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Embeddings of recently seen texts, by exact text, least recently used out first. Customer
 * service traffic repeats itself ("怎么还款", "额度怎么提升"); a repeated question then costs a
 * map look-up and the top-k instead of a model run. Only the embedding is kept, so a changed FAQ
 * bank still gives fresh matches. Thread-safe.
 */
public final class EmbeddingCache {
    /** A text's embedding and whether the text was cut at max_seq_len. */
    public record Entry(float[] vector, boolean truncated) {}

    private final int maxEntries;
    private final Map<String, Entry> entries;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** @param maxEntries texts kept; 0 keeps none (every look-up misses and nothing is stored) */
    public EmbeddingCache(int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must be >= 0, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > EmbeddingCache.this.maxEntries;
            }
        };
    }

    /** The cached entry of {@code text}, or null; counts a hit or a miss. */
    public Entry get(String text) {
        if (maxEntries == 0) {
            misses.increment();
            return null;
        }
        Entry e;
        synchronized (entries) {
            e = entries.get(text);
        }
        (e == null ? misses : hits).increment();
        return e;
    }

    public void put(String text, Entry entry) {
        if (maxEntries == 0) {
            return;
        }
        synchronized (entries) {
            entries.put(text, entry);
        }
    }

    /**
     * Counts a look-up that missed as a hit: its text shared the model run of an earlier copy in
     * the same batch, so it did not run the model either.
     */
    public void countMissAsHit() {
        misses.decrement();
        hits.increment();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    /** Hits over look-ups so far; 0 before the first. */
    public double hitRatio() {
        long h = hits.sum();
        long all = h + misses.sum();
        return all == 0 ? 0.0 : (double) h / all;
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    public int maxEntries() {
        return maxEntries;
    }
}
