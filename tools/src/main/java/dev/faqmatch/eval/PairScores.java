package dev.faqmatch.eval;

/**
 * The similarity of each pair's two embeddings under the four measures that model cards report.
 * Distances are negated so that, for every measure, larger means more similar and the correlation
 * with the label is positive for a good model. For unit-length embeddings cosine and dot are the
 * same, and Euclidean is a monotone function of cosine, so their Spearman figures agree; they
 * differ for models that do not normalize.
 */
public record PairScores(double[] cosine, double[] dot, double[] euclidean, double[] manhattan) {

    /** Scores pair {@code i} as {@code (first[i], second[i])}. */
    public static PairScores of(float[][] first, float[][] second) {
        if (first.length != second.length) {
            throw new IllegalArgumentException(first.length + " first vectors but " + second.length + " second ones");
        }
        int n = first.length;
        double[] cosine = new double[n];
        double[] dot = new double[n];
        double[] euclidean = new double[n];
        double[] manhattan = new double[n];
        for (int i = 0; i < n; i++) {
            float[] a = first[i];
            float[] b = second[i];
            if (a.length != b.length) {
                throw new IllegalArgumentException("pair " + i + ": dimension " + a.length + " vs " + b.length);
            }
            double ab = 0;
            double aa = 0;
            double bb = 0;
            double squared = 0;
            double absolute = 0;
            for (int d = 0; d < a.length; d++) {
                double x = a[d];
                double y = b[d];
                ab += x * y;
                aa += x * x;
                bb += y * y;
                squared += (x - y) * (x - y);
                absolute += Math.abs(x - y);
            }
            double norms = Math.sqrt(aa) * Math.sqrt(bb);
            cosine[i] = norms == 0 ? 0 : ab / norms;
            dot[i] = ab;
            euclidean[i] = -Math.sqrt(squared);
            manhattan[i] = -absolute;
        }
        return new PairScores(cosine, dot, euclidean, manhattan);
    }

    public int size() {
        return cosine.length;
    }
}
