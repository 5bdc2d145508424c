package dev.faqmatch.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faqmatch.cli.CommandLineConventions;
import dev.faqmatch.match.Thresholds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calibration tool end to end on a small bank with the bundled model, and its options. */
class CalibrateTest {
    @TempDir
    Path dir;

    @Test
    void printsTheTableTheThresholdsAsYamlAndWritesTheCurve() throws Exception {
        Path bank = dir.resolve("bank.jsonl");
        Files.writeString(bank, """
                {"id":"f-1","question":"信用卡怎么提高额度","answer":"在APP申请提额","similar":["额度太低了想调高","怎么申请提额"]}
                {"id":"f-2","question":"信用卡年费怎么收","answer":"首年免年费","similar":["年费多少钱"]}
                {"id":"f-3","question":"信用卡丢了怎么办","answer":"立即挂失","similar":["卡丢了咋办"]}
                {"id":"oos","kind":"out_of_scope","question":"你好","similar":["讲个笑话","今天天气怎么样"]}
                """);
        Path questions = dir.resolve("q.jsonl");
        Files.writeString(questions, """
                {"id":"q-1","text":"额度太低了想调高","expected_faq_id":"f-1"}
                {"id":"q-2","text":"我的卡找不到了","expected_faq_id":"f-3"}
                {"id":"q-3","text":"年费要交多少","expected_faq_id":"f-2"}
                {"id":"q-4","text":"讲个笑话","expected_faq_id":null}
                """);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        // Three answerable questions cannot show 95% precision at 95% confidence (3 of 3 right: at least 52.6%).
        Calibrate.Result sure = Calibrate.run(CalibrateOptions.parse(new String[] {"--bank", bank.toString(), "--questions",
                questions.toString(), "--out", dir.resolve("out").toString(), "--sessions", "1"}),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(sure.recommended()).isNull();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("No thresholds reach 95% precision at 95% confidence on these questions", "label more questions",
                        "Proving 95% precision at 95% confidence takes at least 52 answered questions with none wrong,"
                                + " 87 with one wrong; these questions hold 3 answerable.");
        printed.reset();
        Calibrate.Result perfect = Calibrate.run(CalibrateOptions.parse(new String[] {"--bank", bank.toString(), "--questions",
                questions.toString(), "--out", dir.resolve("out").toString(), "--sessions", "1", "--target-precision", "1"}),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(perfect.recommended()).isNull();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("No number of answered questions proves 100% precision"
                + " at 95% confidence: lower --target-precision or --confidence.");
        printed.reset();
        Calibrate.Result result = Calibrate.run(CalibrateOptions.parse(new String[] {"--bank", bank.toString(), "--questions",
                questions.toString(), "--out", dir.resolve("out").toString(), "--sessions", "1", "--tenant", "cards",
                "--confidence", "0.5"}), new PrintStream(printed, true, StandardCharsets.UTF_8));
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("4 entries (1 out of scope)", "Questions ",
                "| min-score | answered | right | precision | at least | coverage |");
        assertThat(result.sets().get(0).outcomes()).hasSize(4);
        assertThat(result.sets().get(0).outcomes().get(0).firstIsRight()).isTrue();
        assertThat(result.sets().get(0).outcomes().get(3).outOfScope()).as("the joke is closest to an out-of-scope example").isTrue();
        Thresholds t = result.recommended();
        assertThat(t).isNotNull();
        assertThat(out).contains(Calibrate.yaml(t, "cards"));
        assertThat(Calibrate.yaml(t, "cards")).startsWith("match:\n  tenant:\n    cards:\n      min-score: ");
        assertThat(ImageIO.read(dir.resolve("out/curve.png").toFile()).getWidth()).isGreaterThan(100);
        assertThat(Files.readAllLines(dir.resolve("out/outcomes.jsonl"))).hasSize(4);
    }

    @Test
    void helpExitsZeroAndABadOptionIsAUsageError() {
        CommandLineConventions.assertHelpAndUsageError(CalibrateOptions::new);
        CommandLineConventions.assertHelpAndUsageError(FaqSets.Options::new, "faq.jsonl", "general.tsv", "out");
    }

    @Test
    void badOptionsSayWhatToFix() {
        assertThatThrownBy(() -> CalibrateOptions.parse(new String[] {})).hasMessage("--questions FILE is required");
        assertThatThrownBy(() -> CalibrateOptions.parse(new String[] {"--questions", "q", "--target-precision", "2"}))
                .hasMessageContaining("--target-precision must be in");
        assertThatThrownBy(() -> CalibrateOptions.parse(new String[] {"--questions", "q", "--confidence", "0.3"}))
                .hasMessage("--confidence must be in [0.5, 0.999], got 0.3");
        assertThatThrownBy(() -> CalibrateOptions.parse(new String[] {"--questions", "q", "--min-score", "0.5", "--clarify-score", "0.7"}))
                .hasMessageContaining("the thresholds given do not fit");
        assertThatThrownBy(() -> CalibrateOptions.parse(new String[] {"--questions", "q", "--bogus", "1"}))
                .hasMessage("Unknown options: '--bogus', '1'");
        assertThatThrownBy(() -> CalibrateOptions.parse(new String[] {"--bank", "a", "--bank", "b", "--questions", "q"}))
                .hasMessageContaining("one --bank per --questions");
        assertThatThrownBy(() -> CalibrateOptions.parse(new String[] {"--questions", "q", "--tenant", "a b"}))
                .hasMessageContaining("not a tenant name");
        CalibrateOptions two = CalibrateOptions.parse(new String[] {"--bank", "a", "--questions", "x/q1", "--bank", "b", "--questions",
                "y/q2"});
        assertThat(two.sets()).extracting(Calibrate.LabelledSet::bank).containsExactly("a", "b");
        assertThat(List.of(two.sets().get(1).name())).containsExactly("y/q2");
    }
}
