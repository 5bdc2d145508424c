package dev.faqmatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.faqmatch.inference.ModelSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The bundled model, through the job's inference code, on whole public test sets must land on
 * the figures that C-MTEB published for BAAI/bge-small-zh-v1.5 (cosine Spearman x100, mteb
 * 1.1.0). A tokenizer, truncation, pooling or padding mistake costs points here. Takes a minute
 * or two on two cores (about 26,000 distinct texts), hence an integration test.
 */
class PublishedScoresIT {
    private static final Path DATA = Path.of("../shared/data");
    private static final double TOLERANCE = 0.5;

    @Test
    void lcqmcAndStsBMatchThePublishedFigures() throws IOException {
        Path lcqmc = DATA.resolve("lcqmc/LCQMC.test.data");
        Path stsb = DATA.resolve("stsb_zh/STS-B.test.data");
        Assumptions.assumeTrue(Files.exists(lcqmc) && Files.exists(stsb),
                "../shared/data is absent: the public test sets (LCQMC, STS-B) live beside the project, not in it");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Evaluate.FileResult> results = Evaluate.run(
                EvalOptions.parse(new String[] {"--model", ModelSource.BGE_SMALL_ZH, lcqmc.toString(), stsb.toString()}),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        System.out.print(printed.toString(StandardCharsets.UTF_8));

        assertThat(results.get(0).pairs()).isEqualTo(12_500);
        assertThat(results.get(0).cosineSpearman()).as("LCQMC test, published 72.19").isCloseTo(72.19, within(TOLERANCE));
        assertThat(results.get(1).pairs()).isEqualTo(1_361);
        assertThat(results.get(1).cosineSpearman()).as("STS-B test, published 76.73").isCloseTo(76.73, within(TOLERANCE));
    }
}
