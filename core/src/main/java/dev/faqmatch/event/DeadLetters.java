package dev.faqmatch.event;

import java.util.Arrays;
import java.util.Base64;

/**
 * Dead letters for records that are not valid events: the reason, where the record sits in its
 * topic, and its key and value byte for byte (as text when they are UTF-8, else base64), cut to
 * a size Kafka accepts.
 */
public final class DeadLetters {
    private DeadLetters() {}

    /** A dead letter for {@code record}, keeping its key and value byte for byte. */
    public static DeadLetter of(RawRecord record, InvalidQuestionException why, long now) {
        return of(record, why, now, Integer.MAX_VALUE);
    }

    /**
     * A dead letter for {@code record} with at most {@code maxPayloadBytes} of its value, so that a
     * huge bad record still fits in a Kafka record; the key is kept whole.
     */
    public static DeadLetter of(RawRecord record, InvalidQuestionException why, long now, int maxPayloadBytes) {
        Encoded key = encode(record.key(), Integer.MAX_VALUE);
        Encoded payload = encode(record.value(), maxPayloadBytes);
        return new DeadLetter(DeadLetter.SCHEMA, why.reason().code(), why.getMessage(), record.topic(),
                record.partition(), record.offset(), record.timestamp(), key.text(), key.encoding(), payload.text(),
                payload.encoding(), record.value() == null ? null : record.value().length,
                payload.truncated() ? Boolean.TRUE : null, now);
    }

    private record Encoded(String text, String encoding, boolean truncated) {}

    /**
     * UTF-8 text when the bytes are UTF-8, else base64; cut so that the field takes at most
     * {@code max} bytes in the JSON (escapes included: a string of control characters grows six-fold).
     */
    private static Encoded encode(byte[] bytes, int max) {
        if (bytes == null) {
            return new Encoded(null, null, false);
        }
        String text = EventCodec.decodeUtf8(bytes);
        if (text != null) {
            int keep = jsonPrefix(text, max);
            return new Encoded(text.substring(0, keep), EventCodec.UTF8, keep < text.length());
        }
        int fits = max / 4 * 3; // base64 writes 4 characters per 3 bytes
        boolean truncated = bytes.length > fits;
        return new Encoded(Base64.getEncoder().encodeToString(truncated ? Arrays.copyOf(bytes, fits) : bytes), EventCodec.BASE64,
                truncated);
    }

    /** Length of the longest prefix of {@code text} that Jackson writes in at most {@code max} bytes. */
    private static int jsonPrefix(String text, int max) {
        long size = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int width;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (size + 4 > max) {
                    return i;
                }
                size += 4;
                i++;
                continue;
            } else if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
                width = 2;
            } else if (c < 0x20) {
                width = 6;
            } else if (c < 0x80) {
                width = 1;
            } else if (c < 0x800) {
                width = 2;
            } else {
                width = 3;
            }
            if (size + width > max) {
                return i;
            }
            size += width;
        }
        return text.length();
    }
}
