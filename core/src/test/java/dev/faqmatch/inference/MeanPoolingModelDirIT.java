package dev.faqmatch.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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

    // ---- an ONNX ModelProto in protobuf wire format (field numbers from onnx.proto) ----

    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    /** last_hidden_state = Gather(E, input_ids) + Gather(T, token_type_ids) + Unsqueeze(Cast(attention_mask), 2) * M. */
    static byte[] meanTestGraph(float[][] tokens, float[][] types, float[] mask) {
        Proto graph = new Proto()
                .message(1, node("Gather", List.of("token_table", "input_ids"), "tok"))
                .message(1, node("Gather", List.of("type_table", "token_type_ids"), "typ"))
                .message(1, node("Add", List.of("tok", "typ"), "emb"))
                .message(1, node("Cast", List.of("attention_mask"), "mask_f").message(5, intAttribute("to", FLOAT)))
                .message(1, node("Unsqueeze", List.of("mask_f", "axis2"), "mask_3d"))
                .message(1, node("Mul", List.of("mask_3d", "mask_vector"), "mask_emb"))
                .message(1, node("Add", List.of("emb", "mask_emb"), "last_hidden_state"))
                .string(2, "toy-mean")
                .message(5, floatTensor("token_table", tokens))
                .message(5, floatTensor("type_table", types))
                .message(5, floatTensor("mask_vector", new float[][] {mask}).reshape(mask.length))
                .message(5, int64Tensor("axis2", 2))
                .message(11, valueInfo("input_ids", INT64, "batch", "sequence"))
                .message(11, valueInfo("attention_mask", INT64, "batch", "sequence"))
                .message(11, valueInfo("token_type_ids", INT64, "batch", "sequence"))
                .message(12, valueInfo("last_hidden_state", FLOAT, "batch", "sequence", mask.length));
        return new Proto()
                .varint(1, 8) // IR version 8 (ONNX 1.10+)
                .string(2, "faq-matcher test")
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 14)) // opset 14
                .bytes();
    }

    private static Proto node(String op, List<String> inputs, String output) {
        Proto node = new Proto();
        for (String in : inputs) {
            node.string(1, in);
        }
        return node.string(2, output).string(3, output).string(4, op);
    }

    private static Proto intAttribute(String name, long value) {
        return new Proto().string(1, name).varint(3, value).varint(20, 2); // type INT
    }

    private static TensorProto floatTensor(String name, float[][] rows) {
        ByteBuffer raw = ByteBuffer.allocate(rows.length * rows[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : rows) {
            for (float x : row) {
                raw.putFloat(x);
            }
        }
        return new TensorProto(name, FLOAT, raw.array(), rows.length, rows[0].length);
    }

    private static TensorProto int64Tensor(String name, long value) {
        byte[] raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        return new TensorProto(name, INT64, raw, 1);
    }

    private static Proto valueInfo(String name, int elementType, Object... dims) {
        Proto shape = new Proto();
        for (Object dim : dims) {
            shape.message(1, dim instanceof String s ? new Proto().string(2, s) : new Proto().varint(1, (Integer) dim));
        }
        Proto tensorType = new Proto().varint(1, elementType).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** A TensorProto whose dims can still be changed before it is written. */
    private static final class TensorProto extends Proto {
        private final String name;
        private final int type;
        private final byte[] raw;
        private long[] dims;

        TensorProto(String name, int type, byte[] raw, long... dims) {
            this.name = name;
            this.type = type;
            this.raw = raw;
            this.dims = dims;
        }

        TensorProto reshape(long... newDims) {
            this.dims = newDims;
            return this;
        }

        @Override
        byte[] bytes() {
            Proto p = new Proto();
            for (long d : dims) {
                p.varint(1, d);
            }
            return p.varint(2, type).string(8, name).raw(9, raw).bytes();
        }
    }

    /** Protobuf fields in wire format: varints and length-delimited values only. */
    private static class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            writeVarint((long) field << 3);
            writeVarint(value);
            return this;
        }

        Proto string(int field, String value) {
            return raw(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto message) {
            return raw(field, message.bytes());
        }

        Proto raw(int field, byte[] value) {
            writeVarint(((long) field << 3) | 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void writeVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
