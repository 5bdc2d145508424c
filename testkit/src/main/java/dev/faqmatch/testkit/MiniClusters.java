package dev.faqmatch.testkit;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink runtime that the job's integration tests run on. */
public final class MiniClusters {
    private MiniClusters() {}

    /** One TaskManager with {@code slots} slots, for the duration of a test class. */
    public static MiniClusterExtension withSlots(int slots) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }
}
