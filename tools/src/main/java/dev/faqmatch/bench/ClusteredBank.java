package dev.faqmatch.bench;

import dev.faqmatch.faq.FaqEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic FAQ bank whose vectors have the shape of a real one: topics of 20 entries (a random
 * direction each), each entry near its topic (cosine about 0.8), its phrasings near the entry
 * (about 0.85, like similar questions), and questions a little further from a random entry. Random
 * unit vectors would do for cost, but at dim 512 they are all nearly orthogonal, so "the 10
 * nearest" are picked by noise and no approximate search can find them; here they are the
 * question's topic. It is no substitute for real embeddings, whose cosines crowd into a narrow
 * band: the recall it gives is that of this shape only.
 */
record ClusteredBank(List<FaqEntry> entries, List<float[]> vectors, float[][] questions) {
    static final int PHRASINGS_PER_ENTRY = 10;
    static final int ENTRIES_PER_TOPIC = 20;
    /** Noise norms relative to a unit direction: cosine 1/sqrt(1 + r^2), 0.8, 0.85 and 0.78. */
    private static final double ENTRY_NOISE = 0.75;
    private static final double PHRASING_NOISE = 0.62;
    private static final double QUESTION_NOISE = 0.8;

    static ClusteredBank generate(int phrasings, int dim, int questionCount, long seed) {
        Random random = new Random(seed);
        int entryCount = phrasings / PHRASINGS_PER_ENTRY;
        List<FaqEntry> entries = new ArrayList<>(entryCount);
        List<float[]> vectors = new ArrayList<>(entryCount * PHRASINGS_PER_ENTRY);
        float[][] centres = new float[entryCount][];
        float[] topic = null;
        for (int e = 0; e < entryCount; e++) {
            if (e % ENTRIES_PER_TOPIC == 0) {
                topic = around(random, null, 1, dim);
            }
            List<String> similar = new ArrayList<>();
            for (int p = 1; p < PHRASINGS_PER_ENTRY; p++) {
                similar.add("问题" + e + "-" + p);
            }
            entries.add(new FaqEntry("f-" + e, "问题" + e, "答案" + e, List.of(), similar, List.of(),
                    FaqEntry.Kind.FAQ));
            centres[e] = around(random, topic, ENTRY_NOISE, dim);
            for (int p = 0; p < PHRASINGS_PER_ENTRY; p++) {
                vectors.add(around(random, centres[e], PHRASING_NOISE, dim));
            }
        }
        float[][] questions = new float[questionCount][];
        for (int i = 0; i < questionCount; i++) {
            questions[i] = around(random, centres[random.nextInt(entryCount)], QUESTION_NOISE, dim);
        }
        return new ClusteredBank(entries, vectors, questions);
    }

    /** A unit vector: {@code centre} plus Gaussian noise of norm about {@code noise} (a random direction when null). */
    private static float[] around(Random random, float[] centre, double noise, int dim) {
        float[] v = new float[dim];
        double scale = noise / Math.sqrt(dim);
        double norm = 0;
        for (int d = 0; d < dim; d++) {
            v[d] = (float) (random.nextGaussian() * scale + (centre == null ? 0 : centre[d]));
            norm += (double) v[d] * v[d];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < dim; d++) {
            v[d] *= inv;
        }
        return v;
    }
}
