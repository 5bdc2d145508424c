package dev.faqmatch.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmbeddingCacheTest {
    private static final EmbeddingCache.Entry A = new EmbeddingCache.Entry(new float[] {1, 0}, false);
    private static final EmbeddingCache.Entry B = new EmbeddingCache.Entry(new float[] {0, 1}, true);

    @Test
    void countsHitsAndMissesAndKeepsTheMostRecentlyUsed() {
        EmbeddingCache cache = new EmbeddingCache(2);
        assertThat(cache.get("a")).isNull();
        cache.put("a", A);
        cache.put("b", B);
        assertThat(cache.get("a")).isSameAs(A); // "a" is now the most recently used
        cache.put("c", A);
        assertThat(cache.get("b")).isNull(); // the least recently used went out
        assertThat(cache.get("c")).isSameAs(A);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.hits()).isEqualTo(2);
        assertThat(cache.misses()).isEqualTo(2);
        assertThat(cache.hitRatio()).isEqualTo(0.5);
    }

    @Test
    void sizeZeroKeepsNothing() {
        EmbeddingCache cache = new EmbeddingCache(0);
        cache.put("a", A);
        assertThat(cache.get("a")).isNull();
        assertThat(cache.size()).isZero();
        assertThat(cache.hitRatio()).isZero();
    }
}
