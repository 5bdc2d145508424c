package dev.faqmatch.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled model through ONNX Runtime: tokenization, padding, pooling, normalization. */
class EmbedderTest {
    private static Embedder embedder;

    @BeforeAll
    static void load() {
        embedder = Embedder.open(ModelSource.bundled(ModelSource.BGE_SMALL_ZH), Device.CPU, 1);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void tokenizesAsTheBgeVocabularyDoes() {
        // ids from bge-small-zh-v1.5's vocab.txt: [CLS]=101, 提=2990, 前=1184, 还=6820, 款=3621, [SEP]=102
        TokenizedText t = embedder.tokenize("提前还款");
        assertThat(t.ids()).containsExactly(101, 2990, 1184, 6820, 3621, 102);
        assertThat(t.truncated()).isFalse();
        // "APP" stays upper case as tokenizer.json says (lowercase: false) and is unknown ([UNK]=100)
        assertThat(embedder.tokenize("APP").ids()).containsExactly(101, 100, 102);
    }

    @Test
    void truncatesAtMaxSeqLenAndSaysSo() {
        TokenizedText t = embedder.tokenize("贷".repeat(2000));
        assertThat(t.length()).isEqualTo(512);
        assertThat(t.truncated()).isTrue();
        assertThat(t.ids()[511]).isEqualTo(102);
    }

    @Test
    void batchedEmbeddingsEqualSingleOnes() {
        List<String> texts = List.of("8千日利息400元?", "提前还款是按全额计息吗", "信用卡逾期一天会影响征信吗，我昨天忘记还了",
                "怎么改绑银行卡", "额度");
        float[][] batched = embedder.embedTexts(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] single = embedder.embedTexts(List.of(texts.get(i)))[0];
            assertThat(batched[i]).hasSize(512);
            for (int d = 0; d < single.length; d++) {
                assertThat(batched[i][d]).as("text %d dim %d", i, d).isCloseTo(single[d], within(1e-5f));
            }
        }
    }

    @Test
    void lengthBucketedRunsGiveTheSameVectorsAsOnePaddedRun() {
        List<String> texts = List.of("额度", "提前还款是按全额计息吗", "信用卡逾期一天会影响征信吗，我昨天忘记还了，怎么办才好", "怎么改绑银行卡",
                "花呗", "借呗的借款日期和还款日期不一样吗");
        List<TokenizedText> tokens = new ArrayList<>();
        for (String t : texts) {
            tokens.add(embedder.tokenize(t));
        }
        try {
            embedder.setRunCost(0); // every distinct length its own run
            float[][] bucketed = embedder.embed(tokens);
            embedder.setRunCost(Integer.MAX_VALUE); // one run padded to the longest
            float[][] padded = embedder.embed(tokens);
            for (int i = 0; i < texts.size(); i++) {
                for (int d = 0; d < padded[i].length; d++) {
                    assertThat(bucketed[i][d]).as("text %d dim %d", i, d).isCloseTo(padded[i][d], within(1e-5f));
                }
            }
        } finally {
            embedder.setRunCost(LengthBuckets.DEFAULT_RUN_COST);
        }
    }

    @Test
    void embeddingsAreUnitLengthAndParaphrasesAreCloserThanUnrelatedText() {
        float[][] v = embedder.embedTexts(List.of("提前还款要手续费吗", "提前把贷款还清需要额外付费吗", "今天天气怎么样"));
        for (float[] x : v) {
            assertThat(Vectors.dot(x, x)).isCloseTo(1.0f, within(1e-4f));
        }
        assertThat(Vectors.dot(v[0], v[1])).isGreaterThan(Vectors.dot(v[0], v[2]) + 0.1f);
    }

    @Test
    void loadsAModelDirectoryWithMeanPooling(@TempDir Path dir) throws IOException {
        copyResource("bge-small-zh-v1.5.onnx", dir.resolve("model.onnx"));
        copyResource("bge-small-zh-v1.5-tokenizer.json", dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("model.json"), """
                {"name": "bge-mean", "pooling": "mean", "normalize": false, "max_seq_len": 64,
                 "output": "last_hidden_state", "dim": 512}
                """);
        try (Embedder mean = Embedder.open(ModelSource.directory(dir), Device.CPU, 1)) {
            assertThat(mean.spec().pooling()).isEqualTo(Pooling.MEAN);
            float[] pooled = mean.embedTexts(List.of("提前还款"))[0];
            float[] cls = embedder.embedTexts(List.of("提前还款"))[0];
            assertThat(pooled).hasSize(512);
            // not normalized, and not the CLS vector
            assertThat(Math.abs(Vectors.dot(pooled, pooled) - 1.0f)).isGreaterThan(1e-3f);
            assertThat(Vectors.dot(Vectors.l2NormalizeInPlace(pooled.clone()), cls)).isLessThan(0.9999f);
            assertThat(mean.tokenize("贷".repeat(100)).length()).isEqualTo(64);
        }
    }

    @Test
    void aWrongOutputNameOrDimFailsAtLoadNamingTheField(@TempDir Path dir) throws IOException {
        copyResource("bge-small-zh-v1.5.onnx", dir.resolve("model.onnx"));
        copyResource("bge-small-zh-v1.5-tokenizer.json", dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("model.json"),
                "{\"name\": \"x\", \"pooling\": \"cls\", \"output\": \"pooler_output\", \"dim\": 512}");
        assertThatThrownBy(() -> Embedder.open(ModelSource.directory(dir), Device.CPU, 1))
                .isInstanceOf(ModelException.class).hasMessageContaining("'pooler_output'").hasMessageContaining("last_hidden_state");
        Files.writeString(dir.resolve("model.json"), "{\"name\": \"x\", \"pooling\": \"cls\", \"dim\": 768}");
        assertThatThrownBy(() -> Embedder.open(ModelSource.directory(dir), Device.CPU, 1))
                .isInstanceOf(ModelException.class).hasMessageContaining("dim 768").hasMessageContaining("512");
    }

    @Test
    void aTokenizerWithMoreIdsThanTheModelFailsAtLoad(@TempDir Path dir) throws IOException {
        copyResource("bge-small-zh-v1.5.onnx", dir.resolve("model.onnx"));
        String tokenizer;
        try (InputStream in = EmbedderTest.class.getClassLoader().getResourceAsStream("bge-small-zh-v1.5-tokenizer.json")) {
            tokenizer = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        // a vocabulary entry past the model's 21,128 embedding rows, as a mismatched pair would have
        Files.writeString(dir.resolve("tokenizer.json"), tokenizer.replace("\"[PAD]\": 0,", "\"[PAD]\": 0, \"额外词\": 30000,"));
        Files.writeString(dir.resolve("model.json"), "{\"name\": \"x\", \"pooling\": \"cls\", \"dim\": 512}");
        assertThatThrownBy(() -> Embedder.open(ModelSource.directory(dir), Device.CPU, 1))
                .isInstanceOf(ModelException.class).hasMessageContaining("disagree");
    }

    @Test
    void anUnreadableOnnxFileFailsWithAClearMessage(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("model.onnx"), "not a model");
        copyResource("bge-small-zh-v1.5-tokenizer.json", dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("model.json"), "{\"name\": \"x\", \"pooling\": \"cls\", \"dim\": 512}");
        assertThatThrownBy(() -> Embedder.open(ModelSource.directory(dir), Device.CPU, 1))
                .isInstanceOf(ModelException.class).hasMessageContaining("model.onnx").hasMessageContaining("cannot be loaded");
    }

    @Test
    void anUnloadableGpuFallsBackToTheCpu() {
        // No CUDA on the test machines: the GPU request must end on the CPU, not fail.
        // (Skipped where CUDA works, since then there is nothing to fall back from.)
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CUDA_VISIBLE_DEVICES") == null
                && !Files.exists(Path.of("/dev/nvidia0")), "a GPU is present");
        try (Embedder gpu = Embedder.open(ModelSource.bundled(ModelSource.BGE_SMALL_ZH), Device.gpu(0), 1)) {
            assertThat(gpu.device()).isEqualTo(Device.CPU);
            assertThat(gpu.embedTexts(List.of("额度"))[0]).hasSize(512);
        }
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = EmbedderTest.class.getClassLoader().getResourceAsStream(name)) {
            Files.copy(in, target);
        }
    }

    static List<String> repeat(String s, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s);
        }
        return out;
    }
}
