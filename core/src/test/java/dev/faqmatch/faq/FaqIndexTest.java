package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaqIndexTest {

    private static FaqEntry entry(String id) {
        return new FaqEntry(id, "question " + id, "answer " + id, List.of());
    }

    /** a at 0 deg, b at 45 deg, c at 90 deg, d at 180 deg, e = (3,4) at ~53.13 deg (not unit length). */
    private static FaqIndex compass() {
        return FaqIndex.of(
                List.of(entry("a"), entry("b"), entry("c"), entry("d"), entry("e")),
                List.of(new float[] {1, 0}, new float[] {1, 1}, new float[] {0, 1}, new float[] {-1, 0},
                        new float[] {3, 4}));
    }

    private static List<String> ids(List<ScoredFaq> scored) {
        return scored.stream().map(s -> s.entry().id()).toList();
    }

    private static float[] scores(List<ScoredFaq> scored) {
        float[] out = new float[scored.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = scored.get(i).score();
        }
        return out;
    }

    @Test
    void topKOrderAndScoresAlongX() {
        List<ScoredFaq> top = compass().topK(new float[] {2, 0}, 3);
        assertThat(ids(top)).containsExactly("a", "b", "e");
        assertThat(top.get(0).score()).isCloseTo(1.0f, within(1e-5f));
        assertThat(top.get(1).score()).isCloseTo(0.70710678f, within(1e-5f));
        assertThat(top.get(2).score()).isCloseTo(0.6f, within(1e-5f));
    }

    @Test
    void topKOrderAndScoresAlongY() {
        List<ScoredFaq> top = compass().topK(new float[] {0, 5}, 3);
        assertThat(ids(top)).containsExactly("c", "e", "b");
        assertThat(scores(top)).containsExactly(new float[] {1.0f, 0.8f, 0.70710678f}, within(1e-5f));
    }

    @Test
    void kLargerThanSizeReturnsAllBestFirst() {
        List<ScoredFaq> top = compass().topK(new float[] {-1, 0}, 50);
        assertThat(top).hasSize(5);
        assertThat(ids(top)).containsExactly("d", "c", "e", "b", "a");
        assertThat(top.get(0).score()).isCloseTo(1.0f, within(1e-5f));
        assertThat(top.get(4).score()).isCloseTo(-1.0f, within(1e-5f));
        for (int i = 1; i < top.size(); i++) {
            assertThat(top.get(i).score()).isLessThanOrEqualTo(top.get(i - 1).score());
        }
    }

    @Test
    void bestRowsLateInTheIndexStillWin() {
        // Entries in ascending similarity to the query, so every row displaces the current top list.
        List<FaqEntry> entries = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        int n = 10;
        for (int i = 0; i < n; i++) {
            entries.add(entry("e" + i));
            vectors.add(new float[] {i, n - i}); // angle decreasing towards the x axis
        }
        FaqIndex index = FaqIndex.of(entries, vectors);
        assertThat(ids(index.topK(new float[] {1, 0}, 3))).containsExactly("e9", "e8", "e7");
        assertThat(ids(index.topK(new float[] {0, 1}, 3))).containsExactly("e0", "e1", "e2");
    }

    @Test
    void usesCosineNotRawDotProduct() {
        FaqIndex index = FaqIndex.of(List.of(entry("long"), entry("short")),
                List.of(new float[] {10, 0}, new float[] {0.1f, 0.1f}));
        List<ScoredFaq> top = index.topK(new float[] {3, 3}, 2);
        assertThat(ids(top)).containsExactly("short", "long");
        assertThat(top.get(0).score()).isCloseTo(1.0f, within(1e-5f));
        assertThat(top.get(1).score()).isCloseTo(0.70710678f, within(1e-5f));
    }

    @Test
    void inputVectorsAndQueryAreNotModified() {
        float[] v = {3, 4};
        FaqIndex index = FaqIndex.of(List.of(entry("a")), List.of(v));
        float[] q = {0, 2};
        index.topK(q, 1);
        assertThat(v).containsExactly(3f, 4f);
        assertThat(q).containsExactly(0f, 2f);
    }

    @Test
    void sizeAndDim() {
        FaqIndex index = compass();
        assertThat(index.size()).isEqualTo(5);
        assertThat(index.dim()).isEqualTo(2);
    }

    @Test
    void queryDimensionMismatch() {
        assertThatThrownBy(() -> compass().topK(new float[] {1, 0, 0}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3")
                .hasMessageContaining("2");
    }

    @Test
    void vectorDimensionMismatch() {
        assertThatThrownBy(() -> FaqIndex.of(List.of(entry("a"), entry("b")),
                List.of(new float[] {1, 0}, new float[] {1, 0, 0})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vector 1")
                .hasMessageContaining("expected 2");
    }

    @Test
    void entryAndVectorCountsMustMatch() {
        assertThatThrownBy(() -> FaqIndex.of(List.of(entry("a"), entry("b")), List.of(new float[] {1, 0})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 entries but 1 vectors");
    }

    @Test
    void emptyIndexRejected() {
        assertThatThrownBy(() -> FaqIndex.of(List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one entry");
    }

    @Test
    void buildEmbedsQuestionsInBatches() {
        List<FaqEntry> entries = List.of(entry("a"), entry("b"), entry("c"), entry("d"), entry("e"));
        List<List<String>> calls = new ArrayList<>();
        FaqIndex index = FaqIndex.build(entries, batch -> {
            calls.add(List.copyOf(batch));
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < batch.size(); i++) {
                // "question c" -> (1, 0); others -> (0, 1)
                out[i] = batch.get(i).endsWith("c") ? new float[] {1, 0} : new float[] {0, 1};
            }
            return out;
        }, 2);
        assertThat(calls).extracting(List::size).containsExactly(2, 2, 1);
        assertThat(calls.get(0)).containsExactly("question a", "question b");
        assertThat(index.size()).isEqualTo(5);
        assertThat(ids(index.topK(new float[] {5, 0}, 1))).containsExactly("c");
    }

    @Test
    void manyEntriesAtModelDimensionMatchDoublePrecisionCosine() {
        java.util.Random random = new java.util.Random(7);
        int n = 1001;
        int dim = 512;
        List<FaqEntry> entries = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(entry("e" + i));
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = (float) random.nextGaussian();
            }
            vectors.add(v);
        }
        FaqIndex index = FaqIndex.of(entries, vectors);
        for (int trial = 0; trial < 5; trial++) {
            float[] query = new float[dim];
            for (int d = 0; d < dim; d++) {
                query[d] = (float) random.nextGaussian();
            }
            double[] expected = new double[n];
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                expected[i] = cosine(vectors.get(i), query);
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(expected[b], expected[a]));
            List<ScoredFaq> top = index.topK(query, 10);
            assertThat(top).hasSize(10);
            for (int r = 0; r < 10; r++) {
                assertThat((double) top.get(r).score()).isCloseTo(expected[order[r]], within(1e-5));
                // ties within float rounding could swap ids; the scores above pin the order
                assertThat(expected[Integer.parseInt(top.get(r).entry().id().substring(1))])
                        .isCloseTo(expected[order[r]], within(1e-5));
            }
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void kZeroIsHandled() {
        FaqIndex index = compass();
        try {
            assertThat(index.topK(new float[] {1, 0}, 0)).isEmpty();
        } catch (IllegalArgumentException expected) {
            // also acceptable
        }
    }
}
