package dev.faqmatch.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.faqmatch.event.EmbeddingFormat;
import dev.faqmatch.event.MatchEvent;
import dev.faqmatch.event.Question;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.inference.Device;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.ModelSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FaqMatcherTest {
    private static Embedder embedder;
    private static FaqIndex index;
    private static final Thresholds THRESHOLDS = new Thresholds(0.5, 0.4, 0.03);

    @BeforeAll
    static void load() {
        embedder = Embedder.open(ModelSource.bundled(ModelSource.BGE_SMALL_ZH), Device.CPU, 1);
        List<FaqEntry> entries = List.of(new FaqEntry("f-1", "提前还款要手续费吗", "不收取", List.of()),
                new FaqEntry("f-2", "怎么提高信用卡额度", "在 App 里申请", List.of()),
                new FaqEntry("f-3", "忘记密码怎么办", "点忘记密码", List.of()));
        index = FaqIndex.build(entries, embedder::embedTexts, 8);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void aRepeatedQuestionIsAnsweredFromTheCacheWithTheSameMatches() throws Exception {
        try (FaqMatcher matcher = FaqMatcher.builder(embedder,
                new FaqMatcher.Options(2, EmbeddingFormat.JSON, 8, Duration.ofMillis(5), 16)).bank(index, THRESHOLDS).build()) {
            MatchEvent first = matcher.match(question("q-1", "提前把贷款还清需要额外付费吗")).get(30, TimeUnit.SECONDS);
            MatchEvent again = matcher.match(question("q-2", "提前把贷款还清需要额外付费吗")).get(30, TimeUnit.SECONDS);
            assertThat(matcher.cache().hits()).isEqualTo(1);
            assertThat(matcher.cache().misses()).isEqualTo(1);
            assertThat(again.id()).isEqualTo("q-2");
            assertThat(again.matches()).isEqualTo(first.matches());
            assertThat(again.embedding()).containsExactly(first.embedding());
            assertThat(first.matches().get(0).faqId()).isEqualTo("f-1");
        }
    }

    @Test
    void copiesOfOneTextInOneBatchShareOneModelRun() throws Exception {
        String burst = "提前把贷款还清需要额外付费吗";
        List<String> texts = List.of(burst, "忘记密码了", burst, burst, "忘记密码了", burst, "额度太低了", burst, burst);
        // batches of exactly this many questions, so that all of them are in one
        try (FaqMatcher matcher = FaqMatcher.builder(embedder,
                new FaqMatcher.Options(2, EmbeddingFormat.JSON, texts.size(), Duration.ofSeconds(30), 16))
                .bank(index, THRESHOLDS).build()) {
            List<CompletableFuture<MatchEvent>> futures = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                futures.add(matcher.match(question("q-" + i, texts.get(i))));
            }
            List<MatchEvent> events = new ArrayList<>();
            for (CompletableFuture<MatchEvent> f : futures) {
                events.add(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(matcher.cache().misses()).as("texts that ran the model").isEqualTo(3);
            assertThat(matcher.cache().hits()).isEqualTo(6);
            float[] alone = embedder.embedTexts(List.of(burst))[0];
            for (int i = 0; i < texts.size(); i++) {
                MatchEvent e = events.get(i);
                assertThat(e.id()).isEqualTo("q-" + i);
                assertThat(e.text()).isEqualTo(texts.get(i));
                if (texts.get(i).equals(burst)) {
                    assertThat(e.matches()).isEqualTo(events.get(0).matches());
                    assertThat(e.embedding()).containsExactly(alone, within(1e-5f));
                }
            }
            assertThat(events.get(1).matches().get(0).faqId()).isEqualTo("f-3");
        }
    }

    @Test
    void withoutACacheEveryQuestionRunsTheModel() throws Exception {
        try (FaqMatcher matcher = FaqMatcher.builder(embedder,
                new FaqMatcher.Options(2, EmbeddingFormat.NONE, 8, Duration.ofMillis(5), 0)).bank(index, THRESHOLDS).build()) {
            matcher.match(question("q-1", "忘记密码了")).get(30, TimeUnit.SECONDS);
            matcher.match(question("q-2", "忘记密码了")).get(30, TimeUnit.SECONDS);
            assertThat(matcher.cache().hits()).isZero();
        }
    }

    private static Question question(String id, String text) {
        return new Question(id, text, null, null, null, System.currentTimeMillis() * 1000);
    }
}
