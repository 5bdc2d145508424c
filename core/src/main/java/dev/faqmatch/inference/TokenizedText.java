package dev.faqmatch.inference;

/**
 * One text as token ids, special tokens included, unpadded.
 *
 * @param ids token ids
 * @param truncated whether the text had more tokens than the model's max_seq_len
 */
public record TokenizedText(long[] ids, boolean truncated) {
    public int length() {
        return ids.length;
    }
}
