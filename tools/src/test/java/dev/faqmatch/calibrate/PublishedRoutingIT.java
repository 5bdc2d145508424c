package dev.faqmatch.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.faqmatch.match.Thresholds;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answer route's figures that docs/ACCURACY.md publishes for the sample bank, rerun through
 * the calibration tool (the job's model, index and routing): the job's default thresholds on the
 * demo's and the held-out questions, and the thresholds the tool recommends from the development
 * questions on both. A change to the model, the matching or the routing that moves them fails
 * here, with the figure to correct, instead of in a user's demo. One question may move across a
 * threshold on another CPU (its float kernels round differently); precision must hold regardless.
 */
class PublishedRoutingIT {
    private static final Path ACCURACY = Path.of("docs/ACCURACY.md");
    private static final Pattern COUNT = Pattern.compile("\\(([\\d,]+) of ([\\d,]+)\\)");

    @TempDir
    Path dir;

    @Test
    void theDefaultsAnswerTheSampleQuestionsAsPublished() throws IOException {
        Thresholds defaults = CalibrateOptions.parse("--questions", "q").given();
        check(outcomes("questions.jsonl"), defaults, row("| demo (`deploy/local.sh`) |"), 1, 2, 3);
        check(outcomes("holdout-questions.jsonl"), defaults, row("| sample bank, `holdout-questions.jsonl` |"), 1, 2, 3);
    }

    @Test
    void theThresholdsCalibratedOnTheDevelopmentQuestionsAreThePublishedOnesAndHoldAsPublished() throws IOException {
        Calibrate.Result dev = calibrate("dev-questions.jsonl");
        List<String> demo = row("| demo (sample bank, calibrated on `dev-questions.jsonl`) |");
        double[] published = Arrays.stream(demo.get(1).split("/")).mapToDouble(s -> Double.parseDouble(s.strip())).toArray();
        assertThat(dev.recommended()).as("ACCURACY.md: %s", demo.get(1))
                .isEqualTo(new Thresholds(published[0], published[1], published[2]));
        check(outcomes("questions.jsonl"), dev.recommended(), demo, -1, 2, 3);
        check(outcomes("holdout-questions.jsonl"), dev.recommended(),
                row("| sample bank, `holdout-questions.jsonl` (same thresholds) |"), -1, 2, 3);
    }

    /**
     * The figures of {@code thresholds} on {@code outcomes} against a row of ACCURACY.md: answered (in
     * column {@code answeredAt}, or as "(right of answered)" in the precision column where -1),
     * precision, coverage.
     */
    private static void check(List<Outcome> outcomes, Thresholds thresholds, List<String> row, int answeredAt,
            int precisionAt, int coverageAt) {
        RoutingSweep.Point p = RoutingSweep.evaluate(outcomes, thresholds);
        int publishedAnswered;
        if (answeredAt >= 0) {
            publishedAnswered = number(row.get(answeredAt));
        } else {
            Matcher m = COUNT.matcher(row.get(precisionAt));
            assertThat(m.find()).as("'(right of answered)' in %s", row).isTrue();
            publishedAnswered = number(m.group(2));
            assertThat(p.answeredRight()).as("answered right, %s", row).isCloseTo(number(m.group(1)), within(1));
        }
        String what = row.get(0) + " at " + Calibrate.describe(thresholds);
        assertThat(p.answered()).as("answered, %s", what).isCloseTo(publishedAnswered, within(1));
        assertThat(100 * p.precision()).as("precision, %s", what).isCloseTo(percent(row.get(precisionAt)), within(1.5));
        assertThat(100 * p.coverage()).as("coverage, %s", what).isCloseTo(percent(row.get(coverageAt)), within(0.6));
        assertThat(p.precision()).as("the answer route's precision, %s", what).isGreaterThanOrEqualTo(0.95);
    }

    private List<Outcome> outcomes(String sampleQuestions) throws IOException {
        return calibrate(sampleQuestions).sets().get(0).outcomes();
    }

    private Calibrate.Result calibrate(String sampleQuestions) throws IOException {
        Path questions = dir.resolve(sampleQuestions);
        if (!Files.exists(questions)) {
            try (InputStream in = PublishedRoutingIT.class.getResourceAsStream("/samples/" + sampleQuestions)) {
                assertThat(in).as(sampleQuestions).isNotNull();
                Files.copy(in, questions);
            }
        }
        return Calibrate.run(CalibrateOptions.parse("--questions", questions.toString(), "--out",
                dir.resolve("out").toString()), new PrintStream(OutputStream.nullOutputStream()));
    }

    /** The cells of the row of ACCURACY.md that starts with {@code start}. */
    private static List<String> row(String start) throws IOException {
        List<String> rows = Files.readAllLines(ACCURACY).stream().filter(l -> l.startsWith(start)).toList();
        assertThat(rows).as("rows of %s starting with %s", ACCURACY, start).hasSize(1);
        String row = rows.get(0);
        return Arrays.stream(row.substring(1, row.lastIndexOf('|')).split("\\|")).map(String::strip).toList();
    }

    private static int number(String cell) {
        return Integer.parseInt(cell.replace(",", "").strip());
    }

    /** "97.3%" or "97.4% (149 of 153)" as 97.3 and 97.4. */
    private static double percent(String cell) {
        return Double.parseDouble(cell.substring(0, cell.indexOf('%')).strip());
    }
}
