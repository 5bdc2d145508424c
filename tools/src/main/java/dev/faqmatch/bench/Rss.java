package dev.faqmatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This JVM's resident memory from /proc/self/status (Linux), in MiB; -1 where unreadable. */
final class Rss {
    private Rss() {}

    /** Peak resident set size since start or the last {@link #resetPeak()}. */
    static double peakMiB() {
        return field("VmHWM:");
    }

    static double currentMiB() {
        return field("VmRSS:");
    }

    /**
     * Resets the peak to the current size (Linux 4.0+: writing 5 to clear_refs), so that a phase's
     * peak is not the maximum of the phases before it. Returns whether the kernel allowed it.
     */
    static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
