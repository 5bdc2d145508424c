package dev.faqmatch.faq;

/**
 * One record of the FAQ topic, validated: an upsert of {@code tenant/id}, a delete (tombstone:
 * {@code entry == null}), or, for a record that was not valid and went to the dead letters, only
 * its position ({@code tenant == null}), so that the reader still knows how far it got.
 *
 * @param timestamp the Kafka record's timestamp (epoch ms), for the update-lag metric
 */
public record FaqUpdate(String tenant, String id, FaqEntry entry, int partition, long offset, long timestamp) {

    /** Partition of the entries read from the faq.bank file, which any topic record overrides. */
    public static final int SEED_PARTITION = -1;

    public static FaqUpdate positionOnly(int partition, long offset, long timestamp) {
        return new FaqUpdate(null, null, null, partition, offset, timestamp);
    }

    public static FaqUpdate seed(String tenant, FaqEntry entry) {
        return new FaqUpdate(tenant, entry.id(), entry, SEED_PARTITION, -1, 0);
    }

    public boolean isPositionOnly() {
        return tenant == null;
    }

    public boolean isDelete() {
        return tenant != null && entry == null;
    }

    /** The state and registry key, {@code tenant/id} (the FAQ topic's record key). */
    public String key() {
        return tenant + "/" + id;
    }

    /** Whether this record replaces {@code older} (the same key): topic records win over seeds, later offsets over earlier. */
    public boolean supersedes(FaqUpdate older) {
        if (older == null) {
            return true;
        }
        if (partition == SEED_PARTITION) {
            return older.partition == SEED_PARTITION;
        }
        return older.partition != partition || offset > older.offset;
    }
}
