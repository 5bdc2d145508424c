package dev.faqmatch.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Float32JsonTest {
    private static String write(float f) {
        char[] out = new char[Float32Json.MAX_CHARS];
        return new String(out, 0, Float32Json.write(f, out, 0));
    }

    @Test
    void everyFloatReadsBackExactly() {
        Random random = new Random(1);
        for (int i = 0; i < 2_000_000; i++) {
            // random bit patterns cover every exponent, subnormals included; then embedding-like values
            float f = i % 2 == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) (random.nextGaussian() * 0.05);
            if (!Float.isFinite(f)) {
                continue;
            }
            String text = write(f);
            assertThat(Float.floatToRawIntBits(Float.parseFloat(text))).as(text + " for " + f)
                    .isEqualTo(Float.floatToRawIntBits(f));
        }
    }

    @Test
    void writesPlainDecimalsAroundOneAndScientificNotationFarFromIt() {
        assertThat(write(0f)).isEqualTo("0.0");
        assertThat(write(-0f)).isEqualTo("-0.0");
        assertThat(write(1f)).isEqualTo("1.0");
        assertThat(write(-0.5f)).isEqualTo("-0.5");
        assertThat(write(100f)).isEqualTo("100.0");
        assertThat(write(0.001f)).as("nine digits of what 0.001f holds").isEqualTo("0.00100000005");
        assertThat(write(0.0001f)).isEqualTo("9.99999975E-5");
        assertThat(write(0.125f)).isEqualTo("0.125");
        assertThat(write(-123.25f)).isEqualTo("-123.25");
        assertThat(write(1_234_567f)).isEqualTo("1234567.0");
        assertThat(write(Math.nextDown(0.001f))).as("just below 1e-3: scientific").isEqualTo("9.99999931E-4");
        assertThat(write(1.2345678e7f)).isEqualTo("1.2345678E7");
        assertThat(write(Float.MAX_VALUE)).isEqualTo("3.40282347E38");
        assertThat(write(Float.MIN_VALUE)).isEqualTo("1.40129846E-45");
        assertThat(write(0.1f)).as("nine digits of 0.1f, trailing zeros dropped").isEqualTo("0.100000001");
        assertThat(write(0.0123f)).isEqualTo("0.0122999996");
    }

    @Test
    void anEventsEmbeddingReadsBackAsTheSameFloats() throws Exception {
        Random random = new Random(2);
        float[] embedding = new float[512];
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] = (float) (random.nextGaussian() * 0.05);
        }
        embedding[3] = 0f;
        embedding[4] = 3e-6f;
        byte[] json = EventCodec.toJson(MatchEvent.builder("q-1").embedding(embedding).build());
        float[] back = new ObjectMapper().readValue(new ObjectMapper().readTree(json).get("embedding").toString(),
                float[].class);
        assertThat(back).containsExactly(embedding);
        assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8)).contains("\"embedding\":[");
    }
}
