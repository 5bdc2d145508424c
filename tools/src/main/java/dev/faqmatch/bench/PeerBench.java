package dev.faqmatch.bench;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The obvious alternative in Java: langchain4j's in-process bge-small-zh-v1.5,
 * {@code embedAll} on the same texts, with its defaults (what a plain consumer would do).
 */
final class PeerBench {
    record Result(String model, int texts, double seconds, double perSecond) {}

    private PeerBench() {}

    static Result run(List<String> texts, int chunk) {
        EmbeddingModel model = new BgeSmallZhV15EmbeddingModel();
        // warm-up, untimed
        embed(model, BenchTexts.first(texts, Math.min(texts.size(), 64)), chunk);
        long start = System.nanoTime();
        int n = embed(model, texts, chunk);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (n != texts.size()) {
            throw new IllegalStateException("langchain4j returned " + n + " embeddings for " + texts.size() + " texts");
        }
        return new Result("langchain4j BgeSmallZhV15EmbeddingModel " + langchain4jVersion(), texts.size(), seconds,
                texts.size() / seconds);
    }

    /** embedAll over chunks of the list, as a consumer would call it per poll of records. */
    private static int embed(EmbeddingModel model, List<String> texts, int chunk) {
        int n = 0;
        for (int i = 0; i < texts.size(); i += chunk) {
            List<TextSegment> segments = new ArrayList<>();
            for (String t : texts.subList(i, Math.min(texts.size(), i + chunk))) {
                segments.add(TextSegment.from(t));
            }
            List<Embedding> out = model.embedAll(segments).content();
            n += out.size();
        }
        return n;
    }

    private static String langchain4jVersion() {
        Package p = BgeSmallZhV15EmbeddingModel.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "1.19.0-beta29" : v;
    }
}
