package dev.faqmatch.calibrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faqmatch.faq.FaqBankReader;
import dev.faqmatch.faq.FaqEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaqSetsTest {
    @Test
    void theSplitIsFinetuneModelsOwn() {
        // Each expected split printed by deploy/finetune-model.py's split_of (Python, hashlib) on 2026-12-07; it lives in
        // deploy/python/src/faqmatch_model/split.py now, and deploy/python/tests/test_split.py pins the same texts.
        Map<String, String> python = Map.of("查看账户", "test", "问法5", "test", "问法21", "test", "问法1", "valid",
                "问法10", "valid", "什么是IC卡闪付", "train", "我有多少资产", "train", "\uFEFF IC卡闪付是什么 ", "train",
                "问法0", "train");
        python.forEach((text, split) -> assertThat(FaqSets.split(text)).as(text).isEqualTo(split));
    }

    @Test
    void writesABankWithTrainParaphrasesAndHeldOutQuestions(@TempDir Path dir) throws Exception {
        StringBuilder faq = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            faq.append("{\"id\": ").append(i).append(", \"question\": \"问题").append(i).append("\", \"answer\": \"答").append(i)
                    .append("\", \"paraphrases\": [");
            for (int p = 0; p < 10; p++) {
                faq.append(p == 0 ? "" : ",").append("\"问法").append(i).append('-').append(p).append('"');
            }
            faq.append(", \"问题").append(i).append("\"]}\n"); // a paraphrase equal to its own question
        }
        Path faqFile = dir.resolve("faq.jsonl");
        Files.writeString(faqFile, faq);
        Path general = dir.resolve("general.tsv");
        StringBuilder pairs = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            pairs.append("闲聊").append(i).append("\t别的").append(i).append("\t0\n");
        }
        Files.writeString(general, pairs);
        String counts = FaqSets.write(faqFile, general, dir.resolve("out"));
        List<FaqEntry> bank = FaqBankReader.read(dir.resolve("out/bank.jsonl").toString());
        assertThat(bank).hasSize(20);
        Set<String> similar = bank.stream().flatMap(e -> e.similar().stream()).collect(Collectors.toSet());
        assertThat(similar).allMatch(t -> FaqSets.split(t).equals("train"));
        var test = LabelledQuestions.read(dir.resolve("out/test.jsonl"), bank.stream().map(FaqEntry::id).collect(Collectors.toSet()));
        long answerable = test.stream().filter(LabelledQuestions.Labelled::answerable).count();
        assertThat(test.stream().filter(LabelledQuestions.Labelled::answerable))
                .allMatch(q -> FaqSets.split(q.text()).equals("test") && !similar.contains(q.text()));
        assertThat(test.size() - answerable).as("as many general questions").isEqualTo(answerable);
        var valid = LabelledQuestions.read(dir.resolve("out/valid.jsonl"), Set.of(bank.stream().map(FaqEntry::id).toArray(String[]::new)));
        assertThat(valid).extracting(LabelledQuestions.Labelled::text).doesNotContainAnyElementsOf(
                test.stream().map(LabelledQuestions.Labelled::text).toList());
        assertThat(FaqBankReader.read(dir.resolve("out/bank-plain.jsonl").toString())).allMatch(e -> e.similar().isEmpty());
        assertThat(counts).contains("20 entries");
    }
}
