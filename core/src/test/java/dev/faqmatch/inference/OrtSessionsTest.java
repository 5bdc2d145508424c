package dev.faqmatch.inference;

import static dev.faqmatch.inference.OnnxGraph.FLOAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrtSessionsTest {
    private static final int K = 64;
    private static final int N = 16;

    /**
     * An int8 matrix product as quantize_dynamic writes it, with weights over the whole int8 range:
     * y = MatMulInteger(DynamicQuantizeLinear(x), W) * x_scale * w_scale. Every x quantizes to 255 and
     * every weight is 127, so each output sums 64 products of 255 x 127, which scale back to 64 x 1 x 1.
     * On a CPU without VNNI, ONNX Runtime's fast kernel saturates each pair of such products at
     * 32,767 and returned 32.38 (this project's 2-core AMD EPYC) until the job's sessions asked for
     * the exact kernel; on a VNNI CPU the product is exact either way.
     */
    @Test
    void int8MatrixProductsWithFullRangeWeightsAreExact() throws OrtException {
        byte[] weights = new byte[K * N];
        Arrays.fill(weights, (byte) 127);
        float[] weightScale = new float[N];
        Arrays.fill(weightScale, 1f / 127);
        byte[] model = new OnnxGraph("int8-matmul")
                .node("DynamicQuantizeLinear", List.of("x"), List.of("x_q", "x_scale", "x_zero_point"))
                .node("MatMulInteger", List.of("x_q", "w_q", "x_zero_point", "w_zero_point"), "y_int")
                .node("Cast", List.of("y_int"), "y_float", OnnxGraph.intAttribute("to", FLOAT))
                .node("Mul", List.of("x_scale", "w_scale"), "scale")
                .node("Mul", List.of("y_float", "scale"), "y")
                .initializer(OnnxGraph.int8Tensor("w_q", weights, K, N))
                .initializer(OnnxGraph.int8Tensor("w_zero_point", new byte[N], N))
                .initializer(OnnxGraph.floatTensor("w_scale", weightScale))
                .input("x", FLOAT, "batch", K)
                .output("y", FLOAT, "batch", N)
                .model();
        float[][] x = new float[4][K];
        for (float[] row : x) {
            Arrays.fill(row, 1f);
        }
        try (OrtSession session = OrtSessions.create(model, Device.CPU, 1);
                OnnxTensor input = OnnxTensor.createTensor(OrtSessions.environment(), x);
                OrtSession.Result result = session.run(Map.of("x", input))) {
            float[][] y = (float[][]) result.get(0).getValue();
            assertThat(y).hasNumberOfRows(4);
            for (float[] row : y) {
                assertThat(row).hasSize(N);
                for (float v : row) {
                    assertThat(v).isCloseTo(64f, within(1e-3f));
                }
            }
        }
    }
}
