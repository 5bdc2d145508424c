package dev.faqmatch.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model directory laid out as deploy/export-model.py writes it (model.onnx with inputs
 * input_ids / attention_mask / token_type_ids and output last_hidden_state with dynamic batch and
 * sequence axes, the BERT-Chinese vocabulary of 21,128 tokens, mean pooling), loaded through the
 * job's code. The graph is written here byte by byte, so no Python is needed: its token
 * embedding is {@code E[id] + T[type] + mask * M}, simple enough to pool by hand, yet padding
 * rows are not zero, so a pooling that counted them would be caught.
 */
class MeanPoolingModelDirIT {
    private static final int VOCAB = 21_128; // BERT-Chinese, as the finance target model uses
    private static final int DIM = 32;

    @TempDir
    static Path dir;

    private static float[][] tokenTable;
    private static float[] typeZero;
    private static float[] maskVector;

    @BeforeAll
    static void writeModelDirectory() throws IOException {
        Random random = new Random(20241127);
        tokenTable = new float[VOCAB][DIM];
        for (float[] row : tokenTable) {
            for (int d = 0; d < DIM; d++) {
                row[d] = (float) random.nextGaussian();
            }
        }
        float[][] typeTable = {gaussian(random), gaussian(random)};
        typeZero = typeTable[0];
        maskVector = gaussian(random);
        Files.write(dir.resolve(ModelSource.MODEL_FILE), meanTestGraph(tokenTable, typeTable, maskVector));
        try (InputStream in = MeanPoolingModelDirIT.class.getClassLoader()
                .getResourceAsStream("bge-small-zh-v1.5-tokenizer.json")) {
            Files.copy(in, dir.resolve(ModelSource.TOKENIZER_FILE));
        }
        Files.writeString(dir.resolve(ModelSource.SPEC_FILE), """
                {"name": "toy-mean", "pooling": "mean", "normalize": false, "max_seq_len": 64,
                 "output": "last_hidden_state", "dim": %d, "lowercase": false}
                """.formatted(DIM));
    }

    @Test
    void poolsTheMeanOfTheRealTokensOnly() {
        try (Embedder embedder = Embedder.open(ModelSource.directory(dir), Device.CPU, 1)) {
            assertThat(embedder.spec().pooling()).isEqualTo(Pooling.MEAN);
            assertThat(embedder.spec().name()).isEqualTo("toy-mean");
            // one batch, padded to the longest text: the short ones carry padding rows
            List<String> texts = List.of("额度", "提前还款是按全额计息吗", "信用卡逾期一天会影响征信吗，我昨天忘记还了", "贷".repeat(100));
            float[][] vectors = embedder.embedTexts(texts);
            for (int i = 0; i < texts.size(); i++) {
                long[] ids = embedder.tokenize(texts.get(i)).ids();
                float[] expected = expectedMean(ids);
                assertThat(vectors[i]).hasSize(DIM);
                for (int d = 0; d < DIM; d++) {
                    assertThat(vectors[i][d]).as("text %d dim %d", i, d).isCloseTo(expected[d], within(1e-4f));
                }
            }
            assertThat(embedder.tokenize(texts.get(3)).length()).isEqualTo(64); // truncated at max_seq_len
        }
    }

    @Test
    void normalizesWhenTheSpecSaysSo() throws IOException {
        String spec = Files.readString(dir.resolve(ModelSource.SPEC_FILE));
        Path normalized = dir.resolve("normalized");
        Files.createDirectories(normalized);
        Files.copy(dir.resolve(ModelSource.MODEL_FILE), normalized.resolve(ModelSource.MODEL_FILE));
        Files.copy(dir.resolve(ModelSource.TOKENIZER_FILE), normalized.resolve(ModelSource.TOKENIZER_FILE));
        Files.writeString(normalized.resolve(ModelSource.SPEC_FILE), spec.replace("\"normalize\": false", "\"normalize\": true"));
        try (Embedder embedder = Embedder.open(ModelSource.directory(normalized), Device.CPU, 1)) {
            float[] v = embedder.embedTexts(List.of("提前还款"))[0];
            float[] expected = Vectors.l2NormalizeInPlace(expectedMean(embedder.tokenize("提前还款").ids()));
            assertThat(Vectors.dot(v, v)).isCloseTo(1.0f, within(1e-5f));
            assertThat(Vectors.dot(v, expected)).isCloseTo(1.0f, within(1e-5f));
        }
    }

    private static float[] expectedMean(long[] ids) {
        double[] sum = new double[DIM];
        for (long id : ids) {
            for (int d = 0; d < DIM; d++) {
                sum[d] += tokenTable[(int) id][d] + typeZero[d] + maskVector[d];
            }
        }
        float[] mean = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            mean[d] = (float) (sum[d] / ids.length);
        }
        return mean;
    }

    private static float[] gaussian(Random random) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    /** last_hidden_state = Gather(E, input_ids) + Gather(T, token_type_ids) + Unsqueeze(Cast(attention_mask), 2) * M. */
    static byte[] meanTestGraph(float[][] tokens, float[][] types, float[] mask) {
        return new OnnxGraph("toy-mean")
                .node("Gather", List.of("token_table", "input_ids"), "tok")
                .node("Gather", List.of("type_table", "token_type_ids"), "typ")
                .node("Add", List.of("tok", "typ"), "emb")
                .node("Cast", List.of("attention_mask"), "mask_f", OnnxGraph.intAttribute("to", OnnxGraph.FLOAT))
                .node("Unsqueeze", List.of("mask_f", "axis2"), "mask_3d")
                .node("Mul", List.of("mask_3d", "mask_vector"), "mask_emb")
                .node("Add", List.of("emb", "mask_emb"), "last_hidden_state")
                .initializer(OnnxGraph.floatTensor("token_table", tokens))
                .initializer(OnnxGraph.floatTensor("type_table", types))
                .initializer(OnnxGraph.floatTensor("mask_vector", mask))
                .initializer(OnnxGraph.int64Tensor("axis2", 2))
                .input("input_ids", OnnxGraph.INT64, "batch", "sequence")
                .input("attention_mask", OnnxGraph.INT64, "batch", "sequence")
                .input("token_type_ids", OnnxGraph.INT64, "batch", "sequence")
                .output("last_hidden_state", OnnxGraph.FLOAT, "batch", "sequence", mask.length)
                .model();
    }
}
