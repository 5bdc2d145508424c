package dev.faqmatch.flink.internal;

import dev.faqmatch.inference.Device;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.EmbeddingCache;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.inference.RefCountedCache;

/**
 * What the slots of one TaskManager share: embedders (a session per GPU, or per CPU slot) and
 * embedding caches; the FAQ banks are in {@link SharedBanks}.
 */
public final class SharedModels {
    /**
     * @param shareSlot slots with the same value share one session: 0 on a GPU, the subtask index
     *     on the CPU, where a session per slot with one intra-op thread is fastest
     */
    public record EmbedderKey(String model, Device device, int shareSlot, int threads) {}

    private static final RefCountedCache<EmbedderKey, Embedder> EMBEDDERS = new RefCountedCache<>();

    public record CacheKey(String model, int maxEntries) {}

    /** One embedding cache per model and TaskManager: repeats of a question reach any slot. */
    private static final RefCountedCache<CacheKey, EmbeddingCache> CACHES = new RefCountedCache<>();

    private SharedModels() {}

    public static RefCountedCache<EmbedderKey, Embedder>.Lease embedder(
            ModelSource model, Device device, int subtask, int threads) {
        EmbedderKey key = new EmbedderKey(model.id(), device, device.gpu() ? 0 : subtask, threads);
        return EMBEDDERS.acquire(key, () -> Embedder.open(model, device, threads));
    }

    public static RefCountedCache<CacheKey, EmbeddingCache>.Lease cache(ModelSource model, int maxEntries) {
        return CACHES.acquire(new CacheKey(model.id(), maxEntries), () -> new EmbeddingCache(maxEntries));
    }
}
