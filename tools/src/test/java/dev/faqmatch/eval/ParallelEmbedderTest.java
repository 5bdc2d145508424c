package dev.faqmatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ParallelEmbedderTest {
    /** A stand-in model: the vector of a text is (length, first char), and every batch is recorded. */
    private static Function<List<String>, float[][]> fake(List<List<String>> calls) {
        return batch -> {
            calls.add(List.copyOf(batch));
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < batch.size(); i++) {
                out[i] = new float[] {batch.get(i).length(), batch.get(i).charAt(0)};
            }
            return out;
        };
    }

    @Test
    void embedsEachDistinctTextOnceInBatchesOfSimilarLength() {
        List<List<String>> calls = new ArrayList<>();
        ParallelEmbedder embedder = new ParallelEmbedder(List.of(fake(calls)), 2);
        List<String> texts = List.of("bbbb", "a", "ccc", "a", "dd", "eeeee", "bbbb");
        Map<String, float[]> vectors = embedder.embedDistinct(texts);

        assertThat(vectors.keySet()).containsExactly("bbbb", "a", "ccc", "dd", "eeeee");
        for (Map.Entry<String, float[]> e : vectors.entrySet()) {
            assertThat(e.getValue()).containsExactly(e.getKey().length(), e.getKey().charAt(0));
        }
        // longest first, so the batches hold neighbours in length
        assertThat(calls).containsExactly(List.of("eeeee", "bbbb"), List.of("ccc", "dd"), List.of("a"));
    }

    @Test
    void severalWorkersShareTheBatches() {
        List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
        ParallelEmbedder embedder = new ParallelEmbedder(List.of(fake(calls), fake(calls), fake(calls)), 3);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            texts.add("t".repeat(i % 37 + 1) + i);
        }
        Map<String, float[]> vectors = embedder.embedDistinct(texts);
        assertThat(vectors).hasSize(200);
        for (String t : texts) {
            assertThat(vectors.get(t)).containsExactly(t.length(), 't');
        }
        assertThat(calls).hasSize(67);
        assertThat(calls.stream().mapToInt(List::size).sum()).isEqualTo(200);
    }

    @Test
    void aFailingBatchFailsTheWholeRun() {
        Function<List<String>, float[][]> broken = batch -> {
            throw new IllegalStateException("ONNX Runtime failed");
        };
        ParallelEmbedder embedder = new ParallelEmbedder(List.of(broken, broken), 4);
        assertThatThrownBy(() -> embedder.embedDistinct(List.of("a", "b", "c", "d", "e")))
                .isInstanceOf(IllegalStateException.class).hasMessage("ONNX Runtime failed");
        ParallelEmbedder shortchanging = new ParallelEmbedder(List.of(batch -> new float[0][]), 4);
        assertThatThrownBy(() -> shortchanging.embedDistinct(List.of("a")))
                .hasMessageContaining("returned 0 vectors for 1 texts");
    }
}
