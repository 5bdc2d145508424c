package dev.faqmatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrProfileTest {
    @Test
    void theTableNamesWhereTheRecordedRunSpentItsTime(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("profile-spin.jfr");
        String table;
        try (JfrProfile profile = JfrProfile.start(file)) {
            long end = System.nanoTime() + 1_000_000_000L;
            double sink = 0;
            while (System.nanoTime() < end) {
                sink += spin(sink);
            }
            table = profile.stop("a spin " + sink);
        }
        assertThat(file).exists();
        assertThat(Files.size(file)).isPositive();
        assertThat(table).contains("Top frames of a spin", "| 1 | `", "dev.faqmatch.bench.JfrProfileTest");
    }

    private static double spin(double x) {
        double s = x;
        for (int i = 0; i < 100_000; i++) {
            s = Math.sqrt(s + i);
        }
        return s;
    }
}
