package dev.faqmatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.faq.FaqBankReader;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's code on a handful of texts (seconds, not a measurement): the ceiling sweep, the
 * inference layer, the report's JSON and plots. The full benchmark is deploy/bench.sh.
 */
class BenchSmokeTest {

    @Test
    void measuresAndReportsOnAFewTexts(@TempDir Path out) throws Exception {
        BenchOptions o = BenchOptions.parse(new String[] {"--out", out.toString(), "--texts", "12",
                "--sweep-texts", "12", "--batches", "1,4", "--cores", "2"});
        List<String> texts = BenchTexts.first(List.of("花呗怎么还款", "借呗的借款日期和还款日期不一样吗", "额度",
                "信用卡逾期一天会影响征信吗", "怎么改绑银行卡", "提前还款是按全额计息吗"), 12);
        ModelSource model = ModelSource.bundled(ModelSource.BGE_SMALL_ZH);
        Report report = new Report(o);
        report.ceilingFp32 = Bench.ceiling(o, model, texts, report, true);
        assertThat(report.ceilingFp32.sweep()).hasSize(3 * 2 + 1);
        assertThat(report.ceilingFp32.best().perSecond()).isPositive();

        List<Embedder> slots = Bench.openSlots(model, 2);
        try {
            FaqIndex index = FaqIndex.build(FaqBankReader.read("classpath:samples/faq-bank.jsonl").subList(0, 8),
                    slots.get(0)::embedTexts, 8);
            report.inferenceFp32 = InferenceLayerBench.run("bge", slots, index, texts, 4, Duration.ofMillis(5), 0, true);
            report.inferenceCached = InferenceLayerBench.run("bge", slots, index, texts, 4, Duration.ofMillis(5), 64, true);
        } finally {
            slots.forEach(Embedder::close);
        }
        assertThat(report.inferenceFp32.perSecond()).isPositive();
        assertThat(report.inferenceCached.cacheHitRatio()).isBetween(0.0, 1.0);

        report.finish();
        JsonNode json = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertThat(json.path("table").size()).isEqualTo(4);
        assertThat(json.path("table").get(0).path("measure").asText()).startsWith("ORT ceiling");
        assertThat(Files.size(out.resolve("throughput-vs-batch.png"))).isPositive();
        assertThat(Files.readString(out.resolve("bench.md"))).contains("| measure | model | questions/s |");
    }

    @Test
    void zipfTrafficRepeatsTheHeadAndRepeatShareCountsExactRepeats() {
        List<String> texts = List.of("a", "b", "c", "d", "e", "f", "g", "h");
        List<String> drawn = BenchTexts.zipf(texts, 2000, 1.0, 1);
        assertThat(drawn.stream().filter("a"::equals).count()).isGreaterThan(drawn.stream().filter("h"::equals).count());
        assertThat(BenchTexts.repeatShare(List.of("a", "b", "a", "a"))).isEqualTo(0.5);
    }
}
