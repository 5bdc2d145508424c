package dev.faqmatch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** The benchmark's questions: the texts of a sentence-pair file, in file order, both sides. */
final class BenchTexts {
    private BenchTexts() {}

    /** Up to {@code limit} texts of {@code text1<TAB>text2<TAB>label} lines: text1, text2, text1, ... */
    static List<String> read(Path file, int limit) throws IOException {
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] cols = line.split("\t");
            for (int c = 0; c < Math.min(2, cols.length) && texts.size() < limit; c++) {
                if (!cols[c].isBlank()) {
                    texts.add(cols[c]);
                }
            }
            if (texts.size() >= limit) {
                break;
            }
        }
        if (texts.isEmpty()) {
            throw new IOException(file + " holds no texts");
        }
        return texts;
    }

    /** The first {@code n} texts, cycling when there are fewer. */
    static List<String> first(List<String> texts, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(texts.get(i % texts.size()));
        }
        return out;
    }

    /** Share of texts that repeat an earlier one exactly (what an unbounded cache would hit). */
    static double repeatShare(List<String> texts) {
        Set<String> seen = new HashSet<>();
        int repeats = 0;
        for (String t : texts) {
            if (!seen.add(t)) {
                repeats++;
            }
        }
        return texts.isEmpty() ? 0 : (double) repeats / texts.size();
    }

    /**
     * {@code n} questions drawn from {@code texts} with Zipf(s) popularity (rank 1 the most
     * asked), the shape of customer-service logs: a head of frequent questions, a long tail.
     */
    static List<String> zipf(List<String> texts, int n, double s, long seed) {
        int m = texts.size();
        double[] cdf = new double[m];
        double sum = 0;
        for (int r = 0; r < m; r++) {
            sum += 1.0 / Math.pow(r + 1, s);
            cdf[r] = sum;
        }
        Random random = new Random(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble() * sum;
            int lo = 0;
            int hi = m - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            out.add(texts.get(lo));
        }
        return out;
    }
}
