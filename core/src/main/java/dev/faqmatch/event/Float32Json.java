package dev.faqmatch.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * Writes a {@code float[]} (a match event's embedding, 512 of them per event) as a JSON array of
 * numbers with at most nine significant digits: every float32 reads back exactly from nine digits,
 * which one multiplication by a power of ten gives, written into one reused buffer and handed to
 * the generator whole. Jackson's own writer finds the shortest digits of each float, allocating a
 * formatter, a buffer and a String for each: two thirds of the job's allocation at int8
 * (docs/BENCHMARKS.md, "Profile"). The digits may differ from the shortest ones in the last
 * places; the float they name is the same.
 */
public final class Float32Json extends StdSerializer<float[]> {
    /** 10^p for p from {@link #MIN_POW} to {@link #MAX_POW}: what nine digits of any finite float need. */
    private static final int MIN_POW = -40;
    private static final int MAX_POW = 56;
    private static final double[] POW10 = new double[MAX_POW - MIN_POW + 1];
    /** Plain decimals from 1e-3 to below 1e7, scientific notation outside, as Java and Jackson write floats. */
    private static final int MIN_PLAIN_EXP = -3;
    private static final int MAX_PLAIN_EXP = 7;
    /** The longest number written: sign, "0.00", nine digits; or sign, nine digits, ".", "E-45". */
    static final int MAX_CHARS = 16;
    private static final ThreadLocal<char[][]> BUFFER = ThreadLocal.withInitial(() -> new char[][] {new char[1024]});

    static {
        for (int p = MIN_POW; p <= MAX_POW; p++) {
            POW10[p - MIN_POW] = Double.parseDouble("1e" + p); // correctly rounded
        }
    }

    public Float32Json() {
        super(float[].class);
    }

    @Override
    public void serialize(float[] values, JsonGenerator gen, SerializerProvider provider) throws IOException {
        for (float f : values) {
            if (!Float.isFinite(f)) { // not JSON numbers: written as Jackson writes them (the model never outputs them)
                gen.writeArray(toDoubles(values), 0, values.length);
                return;
            }
        }
        char[][] holder = BUFFER.get();
        int need = 2 + values.length * (MAX_CHARS + 1);
        if (holder[0].length < need) {
            holder[0] = new char[need];
        }
        char[] out = holder[0];
        int pos = 0;
        out[pos++] = '[';
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out[pos++] = ',';
            }
            pos = write(values[i], out, pos);
        }
        out[pos++] = ']';
        gen.writeRawValue(out, 0, pos);
    }

    private static double[] toDoubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    /** Writes finite {@code f} into {@code out} from {@code pos}; returns the position after it. */
    static int write(float f, char[] out, int pos) {
        if (f < 0 || (f == 0 && 1 / f < 0)) {
            out[pos++] = '-';
        }
        double v = Math.abs((double) f);
        if (v == 0) {
            out[pos++] = '0';
            out[pos++] = '.';
            out[pos++] = '0';
            return pos;
        }
        // The decimal exponent of the first digit, from the binary one (log10(2) ~ 1233 / 4096); the
        // estimate may be one low, which the digit count shows. Subnormals need the logarithm.
        int binary = Math.getExponent(f);
        int exp = binary >= Float.MIN_EXPONENT ? (binary * 1233) >> 12 : (int) Math.floor(Math.log10(v));
        int digits = nineDigits(v, exp);
        if (digits >= 1_000_000_000 || digits < 0) {
            exp++;
            digits = nineDigits(v, exp);
        } else if (digits < 100_000_000) {
            exp--;
            digits = nineDigits(v, exp);
        }
        if (digits >= 1_000_000_000 || digits < 0) { // rounded up to ten digits: 10^9 overflows into the next exponent
            exp++;
            digits = 100_000_000;
        }
        int count = 9;
        while (count > 1 && digits % 10 == 0) {
            digits /= 10;
            count--;
        }
        if (exp >= MIN_PLAIN_EXP && exp < MAX_PLAIN_EXP) {
            if (exp < 0) {
                out[pos++] = '0';
                out[pos++] = '.';
                for (int i = -1; i > exp; i--) {
                    out[pos++] = '0';
                }
                return putDigits(digits, count, out, pos);
            }
            if (count <= exp + 1) { // an integer: its digits, zeros, ".0"
                pos = putDigits(digits, count, out, pos);
                for (int i = count; i <= exp; i++) {
                    out[pos++] = '0';
                }
                out[pos++] = '.';
                out[pos++] = '0';
                return pos;
            }
            pos = putDigits(digits, count, out, pos);
            // move the fraction one place right for the point
            System.arraycopy(out, pos - (count - exp - 1), out, pos - (count - exp - 1) + 1, count - exp - 1);
            out[pos - (count - exp - 1)] = '.';
            return pos + 1;
        }
        int first = pos;
        pos = putDigits(digits, count, out, pos + 1);
        out[first] = out[first + 1];
        out[first + 1] = '.';
        if (count == 1) {
            out[pos++] = '0';
        }
        out[pos++] = 'E';
        if (exp < 0) {
            out[pos++] = '-';
            exp = -exp;
        }
        if (exp >= 10) {
            out[pos++] = (char) ('0' + exp / 10);
        }
        out[pos++] = (char) ('0' + exp % 10);
        return pos;
    }

    /** {@code v} scaled to nine digits before the point (given the first digit's exponent), rounded. */
    private static int nineDigits(double v, int exp) {
        return (int) Math.min(Math.round(v * POW10[8 - exp - MIN_POW]), Integer.MAX_VALUE);
    }

    /** Writes the {@code count} digits of {@code digits} at {@code pos}; returns the position after them. */
    private static int putDigits(int digits, int count, char[] out, int pos) {
        for (int i = pos + count - 1; i >= pos; i--) {
            out[i] = (char) ('0' + digits % 10);
            digits /= 10;
        }
        return pos + count;
    }
}
