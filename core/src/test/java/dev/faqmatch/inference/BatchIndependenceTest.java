package dev.faqmatch.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faqmatch.faq.FaqBankReader;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqIndex;
import dev.faqmatch.faq.ScoredFaq;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same question gets the same answer: the default model's embedding of a text does not depend
 * on which other texts share its batch or how long they are (a dynamically quantized int8 model
 * took one activation scale for the whole batch, padding included, and moved scores by up to 0.02).
 */
class BatchIndependenceTest {
    private static Embedder embedder;
    private static List<String> texts;

    @BeforeAll
    static void load() {
        embedder = Embedder.open(ModelSource.bundledDefault(), Device.CPU, 1);
        texts = new ArrayList<>();
        for (FaqEntry e : FaqBankReader.read("classpath:samples/faq-bank.jsonl")) {
            texts.addAll(e.similar());
        }
        Collections.shuffle(texts, new Random(7));
        // long and short company for the texts under test: padding up to 80 tokens
        texts.add(0, "我上个月在你们这里借了一笔钱，本来计划这个月月底一次性还清，但是现在手头有点紧，想问一下能不能先还一部分，剩下的下个月再还，会不会影响征信，利息又是怎么算的");
        texts.add(1, "额度");
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void aTextAloneAndInRandomBatchesGetsTheSameEmbeddingAndMatches() {
        List<String> underTest = texts.subList(0, 24);
        float[][] alone = new float[underTest.size()][];
        for (int i = 0; i < alone.length; i++) {
            alone[i] = embedder.embedTexts(List.of(underTest.get(i)))[0];
        }
        List<FaqEntry> bank = FaqBankReader.read("classpath:samples/faq-bank.jsonl").subList(0, 60);
        FaqIndex index = FaqIndex.build(bank, embedder::embedTexts, 32);
        Random random = new Random(42);
        double worst = 0;
        for (int round = 0; round < 20; round++) {
            int target = random.nextInt(underTest.size());
            List<String> batch = new ArrayList<>();
            int size = 2 + random.nextInt(31);
            for (int j = 0; j < size - 1; j++) {
                batch.add(texts.get(random.nextInt(texts.size())));
            }
            int at = random.nextInt(size);
            batch.add(at, underTest.get(target));
            float[] inBatch = embedder.embedTexts(batch)[at];
            for (int d = 0; d < inBatch.length; d++) {
                worst = Math.max(worst, Math.abs(inBatch[d] - alone[target][d]));
            }
            List<ScoredFaq> a = index.topK(alone[target], 3);
            List<ScoredFaq> b = index.topK(inBatch, 3);
            assertThat(b).extracting(s -> s.entry().id()).as("round %d", round)
                    .containsExactlyElementsOf(a.stream().map(s -> s.entry().id()).toList());
        }
        System.out.printf("batch independence: largest difference of an embedding value, alone vs in a batch: %.2e%n", worst);
        assertThat(worst).isLessThanOrEqualTo(1e-5);
    }
}
