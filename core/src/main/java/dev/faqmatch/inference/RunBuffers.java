package dev.faqmatch.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * Direct buffers that a thread's runs reuse. They grow to the largest batch seen (batch x
 * padded length x dim floats, bounded by batch.max-size x max_seq_len x dim) and stay.
 */
final class RunBuffers {
    private LongBuffer ids = LongBuffer.allocate(0);
    private LongBuffer mask = LongBuffer.allocate(0);
    private LongBuffer zeros = LongBuffer.allocate(0);
    private FloatBuffer output = FloatBuffer.allocate(0);

    LongBuffer ids(int cells) {
        ids = fit(ids, cells);
        return ids;
    }

    LongBuffer mask(int cells) {
        mask = fit(mask, cells);
        return mask;
    }

    LongBuffer zeros(int cells) {
        if (zeros.capacity() < cells) {
            zeros = directLongs(grow(cells)); // fresh direct memory is zero, and nothing writes it
        }
        return zeros.clear().limit(cells);
    }

    FloatBuffer output(int cells) {
        if (output.capacity() < cells) {
            output = ByteBuffer.allocateDirect(grow(cells) * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }
        return output.clear().limit(cells);
    }

    private static LongBuffer fit(LongBuffer buffer, int cells) {
        LongBuffer b = buffer.capacity() < cells ? directLongs(grow(cells)) : buffer;
        b.clear().limit(cells);
        return b;
    }

    private static LongBuffer directLongs(int cells) {
        return ByteBuffer.allocateDirect(cells * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /** A quarter of headroom, so that batches a little longer than the last do not reallocate. */
    private static int grow(int cells) {
        return (int) Math.min(Integer.MAX_VALUE / Float.BYTES - 8, cells + (long) cells / 4);
    }
}
