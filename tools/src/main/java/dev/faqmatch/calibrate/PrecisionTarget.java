package dev.faqmatch.calibrate;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The answer route's precision that thresholds must reach, and how sure the calibration must be
 * of it. A few hundred labelled questions measure a precision within a few points, and the sweep
 * keeps the best of a thousand thresholds on them, so the measured precision of the thresholds it
 * keeps is optimistic: on the sample bank, thresholds at 95.2% on the development questions
 * answered 300 questions written later at 91.9%. Thresholds therefore reach the target when the
 * lower end of Wilson's score interval of their precision does, at {@code confidence}: as if the
 * questions answered were drawn from the bank's traffic.
 *
 * @param precision the answer route's precision to reach, in (0, 1]
 * @param confidence one-sided confidence of that lower end, in [0.5, 1); 0.5 takes the measured
 *     precision as it is
 */
public record PrecisionTarget(double precision, double confidence) {
    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);
    /** The confidence at which the lower end is the measured precision itself. */
    private static final double AS_MEASURED = 0.5;
    /** Beyond any labelled set a person writes: {@link #answeredNeeded} gives up there. */
    private static final int MAX_ANSWERED_NEEDED = 10_000_000;

    public PrecisionTarget {
        if (!(precision > 0 && precision <= 1)) {
            throw new IllegalArgumentException("the target precision must be in (0, 1], got " + precision);
        }
        if (!(confidence >= AS_MEASURED && confidence < 1)) {
            throw new IllegalArgumentException("the confidence must be in [0.5, 1), got " + confidence);
        }
    }

    /** The precision as measured, with no allowance for the questions being a sample. */
    public static PrecisionTarget measured(double precision) {
        return new PrecisionTarget(precision, AS_MEASURED);
    }

    /** Whether the measured precision is taken as it is (confidence 0.5): no lower bound to tell apart. */
    public boolean asMeasured() {
        return confidence == AS_MEASURED;
    }

    /**
     * The lower end of Wilson's score interval for {@code right} right answers of {@code answered}:
     * the precision the answer route has at least, at this confidence; NaN when nothing was answered.
     */
    public double lowerBound(int right, int answered) {
        if (answered == 0) {
            return Double.NaN;
        }
        double p = (double) right / answered;
        if (asMeasured()) {
            return p;
        }
        double z = NORMAL.inverseCumulativeProbability(confidence);
        double n = answered;
        double centre = p + z * z / (2 * n);
        double spread = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        return (centre - spread) / (1 + z * z / n);
    }

    /**
     * The fewest answered questions, {@code wrong} of them wrong, whose precision's lower bound
     * reaches the target: fewer labelled answerable questions cannot prove it, whatever the
     * thresholds. {@link Integer#MAX_VALUE} when no number can (a target of 1 with a lower bound).
     */
    public int answeredNeeded(int wrong) {
        if (wrong < 0) {
            throw new IllegalArgumentException("wrong answers must be >= 0, got " + wrong);
        }
        if (precision == 1 && (wrong > 0 || !asMeasured())) {
            return Integer.MAX_VALUE; // a lower bound below the measured 100% never reaches it
        }
        for (int answered = wrong + 1; answered <= MAX_ANSWERED_NEEDED; answered++) {
            if (lowerBound(answered - wrong, answered) >= precision) {
                return answered;
            }
        }
        return Integer.MAX_VALUE;
    }

    /** {@link #lowerBound} of a point of the sweep. */
    public double lowerBound(RoutingSweep.Point p) {
        return lowerBound(p.answeredRight(), p.answered());
    }

    /** Whether the point answers anything, with a precision whose lower bound reaches the target. */
    public boolean reachedBy(RoutingSweep.Point p) {
        return p.answered() > 0 && lowerBound(p) >= precision;
    }
}
