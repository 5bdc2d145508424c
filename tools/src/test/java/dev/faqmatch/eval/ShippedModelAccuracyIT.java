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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The model the job runs by default, through the job's own inference code, must score what
 * docs/ACCURACY.md says it scores (its row "ours int8" of the model-card table), on the STS-B and
 * ATEC test sets, within 0.1: the published figures and the shipped file cannot drift apart.
 */
class ShippedModelAccuracyIT {
    private static final Path DATA = Path.of("../shared/data");
    private static final Path ACCURACY = Path.of("docs/ACCURACY.md");
    private static final String ROW = "| ours int8";
    private static final double TOLERANCE = 0.1;

    @Test
    void theDefaultModelScoresWhatAccuracyMdStates() throws IOException {
        Path stsb = DATA.resolve("stsb_zh/STS-B.test.data");
        Path atec = DATA.resolve("atec/ATEC.test.data");
        Assumptions.assumeTrue(Files.exists(stsb) && Files.exists(atec),
                "../shared/data is absent: the public test sets live beside the project, not in it");
        double statedStsb = stated("STS-B test");
        double statedAtec = stated("ATEC");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Evaluate.FileResult> results = Evaluate.run(EvalOptions.parse(new String[] {
                "--model", ModelSource.BUNDLED.get(0), stsb.toString(), atec.toString()}),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        System.out.print(printed.toString(StandardCharsets.UTF_8));

        assertThat(results.get(0).cosineSpearman()).as("STS-B test of %s, ACCURACY.md says %s", ModelSource.BUNDLED.get(0),
                statedStsb).isCloseTo(statedStsb, within(TOLERANCE));
        assertThat(results.get(1).cosineSpearman()).as("ATEC test of %s, ACCURACY.md says %s", ModelSource.BUNDLED.get(0),
                statedAtec).isCloseTo(statedAtec, within(TOLERANCE));
    }

    /** The figure in column {@code column} of the "ours int8" row of ACCURACY.md's model-card table. */
    private static double stated(String column) throws IOException {
        List<String> lines = Files.readAllLines(ACCURACY);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(ROW)) {
                int header = i;
                while (header > 0 && !lines.get(header).startsWith("| model ")) {
                    header--;
                }
                List<String> names = cells(lines.get(header));
                List<String> values = cells(lines.get(i));
                int at = names.indexOf(column);
                assertThat(at).as("column '%s' in %s", column, lines.get(header)).isNotNegative();
                return Double.parseDouble(values.get(at));
            }
        }
        throw new AssertionError(ACCURACY + " has no row starting with '" + ROW + "'");
    }

    private static List<String> cells(String row) {
        return Arrays.stream(row.substring(1, row.lastIndexOf('|')).split("\\|")).map(String::strip).toList();
    }
}
