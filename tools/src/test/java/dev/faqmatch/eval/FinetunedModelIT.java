package dev.faqmatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.inference.ModelSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/finetune-model.py end to end, on the bundled bge-small-zh-v1.5 written as a model
 * directory ({@link ModelSource#writeDirectory}):
 * <ol>
 *   <li>the rebuild: the tool rebuilds the PyTorch BERT from the ONNX graph and must match ONNX
 *       Runtime's pooled embeddings within 1e-4; its PyTorch Spearman on the first ATEC test pairs
 *       must equal the job's own figure for the bundled model on the same pairs;
 *   <li>a tiny fine-tune (6 steps on a few pairs of each kind: CoSENT, positives and FAQ with MNRL
 *       and mined negatives), whose fp32 and int8 directories the job's inference code must load and
 *       score as PyTorch scored the trained model (fp32 within 0.01; int8, quantized, within 1.0);
 *   <li>the same command again, which must train the same model (the seed fixes data, order and
 *       dropout).
 * </ol>
 * Needs a Python with deploy/requirements-finetune.txt installed, which CI does not have: run it
 * with {@code deploy/finetune-check.sh} (or {@code -Dfinetune.python=PATH}).
 */
@EnabledIfSystemProperty(named = "finetune.python", matches = ".+",
        disabledReason = "needs torch and sentence-transformers: run deploy/finetune-check.sh, or pass -Dfinetune.python=PATH")
class FinetunedModelIT {
    private static final Path DATA = Path.of("../shared/data");
    private static final Path ATEC_TEST = DATA.resolve("atec/ATEC.test.data");
    private static final int PAIRS = 300;
    private static final Pattern REBUILD = Pattern.compile("rebuilt PyTorch vs ONNX Runtime: (\\S+) ");
    private static final Pattern BASE = Pattern.compile("base model \\(PyTorch\\): cosine Spearman x100 on \\d+ pairs of .*: (\\S+)");
    private static final Pattern TRAINED = Pattern.compile("trained model \\(PyTorch\\): cosine Spearman x100 on \\d+ pairs of .*: (\\S+)");
    private static final Pattern STEPS = Pattern.compile("trained (\\d+) steps in");

    @TempDir
    Path dir;

    @Test
    void fineTunesTheBundledModelIntoDirectoriesTheJobScoresAsPyTorchDoes() throws Exception {
        for (String file : List.of("atec/ATEC.test.data", "atec/ATEC.valid.data", "train/ATEC.train.data",
                "train/STS-B.train.noeval.data", "faq/unionpay_faq.jsonl")) {
            Assumptions.assumeTrue(Files.exists(DATA.resolve(file)), "../shared/data/" + file + " is absent");
        }
        Path base = dir.resolve("bge");
        ModelSource.bundled(ModelSource.BGE_SMALL_ZH).writeDirectory(base);

        String printed = fineTune(base, dir.resolve("run1"));
        assertThat(Double.parseDouble(find(REBUILD, printed))).as("rebuilt PyTorch vs ONNX Runtime, pooled")
                .isLessThanOrEqualTo(1e-4);
        assertThat(Integer.parseInt(find(STEPS, printed))).isEqualTo(6);
        assertThat(Double.parseDouble(find(BASE, printed))).as("the rebuilt model in PyTorch vs the bundled model in the job")
                .isCloseTo(jobSpearman(base), within(0.01));

        double trained = Double.parseDouble(find(TRAINED, printed));
        Path fp32 = dir.resolve("run1/fp32");
        Path int8 = dir.resolve("run1/int8");
        assertThat(jobSpearman(fp32)).as("fp32 directory in the job vs PyTorch").isCloseTo(trained, within(0.01));
        assertThat(jobSpearman(int8)).as("int8 directory in the job vs fp32 PyTorch").isCloseTo(trained, within(1.0));
        JsonNode spec = new ObjectMapper().readTree(int8.resolve(ModelSource.SPEC_FILE).toFile());
        assertThat(spec.path("name").asText()).isEqualTo("finetune-check");
        assertThat(spec.path("pooling").asText()).isEqualTo("cls");
        assertThat(Files.readAllLines(fp32.resolve("training-log.jsonl"))).as("loss and metric log")
                .anyMatch(line -> line.contains("\"loss\"")).anyMatch(line -> line.contains("atec-valid_spearman_cosine"));

        String again = fineTune(base, dir.resolve("run2"));
        assertThat(find(TRAINED, again)).as("the same seed trains the same model").isEqualTo(find(TRAINED, printed));
    }

    private static String fineTune(Path base, Path out) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(System.getProperty("finetune.python"), "deploy/finetune-model.py",
                "--base", base.toString(), "--out", out.resolve("fp32").toString(),
                "--out-int8", out.resolve("int8").toString(), "--name", "finetune-check",
                "--pairs", DATA.resolve("train/ATEC.train.data") + ":64",
                "--pairs", DATA.resolve("train/STS-B.train.noeval.data") + ":32",
                "--positives", DATA.resolve("train/ATEC.train.data") + ":64",
                "--faq", DATA.resolve("faq/unionpay_faq.jsonl") + ":64",
                "--valid-pairs", DATA.resolve("atec/ATEC.valid.data") + ":100", "--valid-faq-queries", "50",
                "--max-steps", "6", "--eval-steps", "3", "--batch-size", "16", "--log-steps", "2",
                "--check-pairs", ATEC_TEST.toString(), "--check-limit", String.valueOf(PAIRS)));
        Process python = new ProcessBuilder(command).redirectErrorStream(true).start();
        String printed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(15, TimeUnit.MINUTES)).as("fine-tune finished").isTrue();
        assertThat(python.exitValue()).as("finetune-model.py exit status; it printed:%n%s", printed).isZero();
        // Progress bars redraw with carriage returns; the report lines are what a reader wants.
        printed.lines().map(l -> l.substring(l.lastIndexOf('\r') + 1))
                .filter(l -> l.matches("^(rebuilt|max abs|base model|trained|fp32|int8|done|  (pairs|positives|faq) ).*"))
                .forEach(System.out::println);
        return printed;
    }

    /** Cosine Spearman x100 of a model directory on the first ATEC test pairs, through the job's inference code. */
    private static double jobSpearman(Path modelDir) throws IOException {
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        List<Evaluate.FileResult> results = Evaluate.run(EvalOptions.parse(new String[] {"--model-dir", modelDir.toString(),
                "--limit", String.valueOf(PAIRS), ATEC_TEST.toString()}), new PrintStream(table, true, StandardCharsets.UTF_8));
        System.out.printf("job's inference, %s: %.4f%n", modelDir.getFileName(), results.get(0).cosineSpearman());
        return results.get(0).cosineSpearman();
    }

    private static String find(Pattern pattern, String printed) {
        Matcher m = pattern.matcher(printed);
        assertThat(m.find()).as("finetune-model.py printed %s; it printed:%n%s", pattern, printed).isTrue();
        return m.group(1);
    }
}
