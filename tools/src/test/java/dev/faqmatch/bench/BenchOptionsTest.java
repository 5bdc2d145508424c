package dev.faqmatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.faqmatch.cli.CommandLineConventions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
    @Test
    void helpExitsZeroAndABadOptionIsAUsageError() {
        CommandLineConventions.assertHelpAndUsageError(BenchOptions::new);
        CommandLineConventions.assertHelpAndUsageError(BankScaleBench.Options::new);
        CommandLineConventions.assertHelpAndUsageError(Int8Model.Options::new);
    }

    @Test
    void quickSetsASmallRunThatLaterOptionsAdjust() {
        BenchOptions o = BenchOptions.parse("--quick", "--texts", "500");
        assertThat(o.texts).isEqualTo(500);
        assertThat(o.sweepTexts).isEqualTo(128);
        assertThat(o.batches).containsExactly(1, 8, 32);
        assertThat(o.e2e).isEqualTo(600);
        assertThat(BenchOptions.parse().texts).isEqualTo(6000);
    }

    @Test
    void readsListsSettingsAndSwitches() {
        BenchOptions o = BenchOptions.parse("--batches", "1,16", "--run-costs", "0,8", "--set", "output.embedding=base64",
                "--set", "match.top-k=5", "--batch.max-delay-ms", "7", "--no-peer", "--no-e2e", "--data", "/d/a.data");
        assertThat(o.batches).containsExactly(1, 16);
        assertThat(o.runCosts).containsExactly(0, 8);
        assertThat(o.jobSettings).containsExactly(entry("output.embedding", "base64"), entry("match.top-k", "5"));
        assertThat(o.batchMaxDelay).isEqualTo(Duration.ofMillis(7));
        assertThat(o.peer).isFalse();
        assertThat(o.e2eOn).isFalse();
        assertThat(o.int8).isTrue();
        assertThat(o.data).isEqualTo(Path.of("/d/a.data"));
        assertThat(o.out).isEqualTo(Path.of("target/bench"));
    }

    @Test
    void thePythonPeerIsOptInWithItsInterpreter() {
        assertThat(BenchOptions.parse().pythonPeer).isNull();
        assertThat(BenchOptions.parse("--python-peer=target/peer-venv/bin/python").pythonPeer)
                .isEqualTo("target/peer-venv/bin/python");
    }

    @Test
    void bankScaleTakesTheSwitchThatChoseIt() {
        BankScaleBench.Options o = dev.faqmatch.cli.Cli.parse(new BankScaleBench.Options(), "--bank-scale", "--sizes",
                "100,200", "--top-k", "5");
        assertThat(o.sizes).isEqualTo(List.of(100, 200));
        assertThat(o.k).isEqualTo(5);
        assertThat(o.batch).isEqualTo(64);
    }

    @Test
    void theBankScaleRunRefusesAHeapTooSmallForItsLargestBankBeforeItStarts() {
        long gb = 1L << 30;
        assertThat(GraphSearchBench.heapShortfall(new int[] {100_000, 1_000_000}, 512, 2 * gb)).hasValueSatisfying(
                why -> assertThat(why).contains("--phrasings 1000000", "4.6 GB", "-Xmx8g"));
        assertThat(GraphSearchBench.heapShortfall(new int[] {100_000, 1_000_000}, 512, 8 * gb)).isEmpty();
        assertThat(GraphSearchBench.heapShortfall(new int[] {100_000}, 512, 2 * gb)).isEmpty();
        assertThat(GraphSearchBench.heapShortfall(new int[0], 512, 0)).isEmpty();
    }
}
