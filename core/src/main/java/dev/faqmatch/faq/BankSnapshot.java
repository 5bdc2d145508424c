package dev.faqmatch.faq;

/**
 * One tenant's bank as questions see it: immutable, swapped whole, so that a question is matched
 * against one consistent bank.
 *
 * @param version which FAQ records it holds: {@code partition:offset} of the last record applied
 *     to this tenant, per partition of the FAQ topic ({@code "0:41"}, {@code "0:41,1:7"}); the bank
 *     holds every record of this tenant up to those offsets. {@code "seed"} while only the faq.bank
 *     file is in it.
 * @param updateLagMillis from the newest record's Kafka timestamp to this snapshot being live;
 *     -1 for a bank of the file only
 */
public record BankSnapshot(String tenant, FaqIndex index, String version, long builtAtMillis, long updateLagMillis) {
    public static final String SEED_VERSION = "seed";
}
