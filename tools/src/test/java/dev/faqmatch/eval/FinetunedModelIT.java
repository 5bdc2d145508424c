package dev.faqmatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faqmatch.inference.ModelSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 *       dropout);
 *   <li>a second round on the first round's fp32 directory, which the tool must rebuild as it
 *       rebuilds the bundled model, and which must start from the first round's score (with
 *       {@code --keep-unmined}, so that the positives without a mined negative train too, and a
 *       time budget that must end it before its steps);
 *   <li>the first round's sentence-transformers directory exported again ({@code --export-only}),
 *       which must give the same scores and the base's tokenizer.json;
 *   <li>the same directory interpolated with the bundled model ({@code --interpolate 0,0.5,1}):
 *       a=0 must score as the base, a=1 as the trained model, the best must be kept and the job
 *       must score the export as PyTorch scored the interpolated model.
 * </ol>
 * Needs a Python with deploy/python[finetune] installed, which CI does not have: run it
 * with {@code deploy/finetune-check.sh} (or {@code -Dfinetune.python=PATH}).
 */
@EnabledIfSystemProperty(named = "finetune.python", matches = ".+",
        disabledReason = "needs torch and sentence-transformers: run deploy/finetune-check.sh, or pass -Dfinetune.python=PATH")
class FinetunedModelIT {
    private static final Path DATA = Path.of("../shared/data");
    private static final Path ATEC_TEST = DATA.resolve("atec/ATEC.test.data");
    private static final int PAIRS = 300;
    private static final Pattern REBUILD = Pattern.compile("rebuilt PyTorch vs ONNX Runtime: (\\S+) ");
    private static final Pattern BASE = pyTorchCheck("base");
    private static final Pattern TRAINED = pyTorchCheck("trained");
    private static final Pattern INTERPOLATED = pyTorchCheck("interpolated");
    private static final Pattern STEPS = Pattern.compile("trained (\\d+) steps in");
    private static final Pattern BASE_VALID = Pattern.compile("base model: .*atec-valid_spearman_cosine (\\S+),");
    private static final Pattern BEST_VALID = Pattern.compile("best checkpoint \\S+ \\(eval_atec-valid_spearman_cosine (\\S+)\\)");
    /** As the tool prints them back ({@code a:g}). */
    private static final List<String> ALPHAS = List.of("0", "0.5", "1");
    private static final String BELOW_BASE = "warning: the best checkpoint scores below the base model";

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

        PythonTool run = fineTune(base, dir.resolve("run1"));
        assertThat(run.findNumber(REBUILD)).as("rebuilt PyTorch vs ONNX Runtime, pooled").isLessThanOrEqualTo(1e-4);
        assertThat(run.find(STEPS)).isEqualTo("6");
        assertThat(run.findNumber(BASE)).as("the rebuilt model in PyTorch vs the bundled model in the job")
                .isCloseTo(jobSpearman(base), within(0.01));

        double trained = run.findNumber(TRAINED);
        Path fp32 = dir.resolve("run1/fp32");
        Path int8 = dir.resolve("run1/int8");
        assertThat(jobSpearman(fp32)).as("fp32 directory in the job vs PyTorch").isCloseTo(trained, within(0.01));
        assertThat(jobSpearman(int8)).as("int8 directory in the job vs fp32 PyTorch").isCloseTo(trained, within(1.0));
        JsonNode spec = new ObjectMapper().readTree(int8.resolve(ModelSource.SPEC_FILE).toFile());
        assertThat(spec.path("name").asText()).isEqualTo("finetune-check");
        assertThat(spec.path("pooling").asText()).isEqualTo("cls");
        assertThat(Files.readAllLines(fp32.resolve("training-log.jsonl"))).as("loss and metric log")
                .anyMatch(line -> line.contains("\"loss\"")).anyMatch(line -> line.contains("atec-valid_spearman_cosine"));

        exportsTheSentenceTransformerAgain(fp32, dir.resolve("reexport"), run);
        interpolatesBetweenTheBaseAndTheFineTune(base, fp32, dir.resolve("interpolated"), run);

        PythonTool again = fineTune(base, dir.resolve("run2"));
        assertThat(again.find(TRAINED)).as("the same seed trains the same model").isEqualTo(run.find(TRAINED));

        // The tool's own output is a model directory of this project, so it is a base too (a second round).
        PythonTool onward = fineTune(fp32, dir.resolve("run3"), "--keep-unmined", "--max-train-minutes", "0.005");
        assertThat(onward.findNumber(REBUILD)).as("rebuilt from the tool's own export").isLessThanOrEqualTo(1e-4);
        assertThat(onward.findNumber(BASE)).as("the second round starts where the first ended").isCloseTo(trained, within(0.01));
        assertThat(onward.printed()).as("the time budget ends training early").contains("--max-train-minutes 0.005 reached");
        assertThat(Integer.parseInt(onward.find(STEPS))).isLessThan(6);
        for (PythonTool round : List.of(run, onward)) {
            boolean below = round.findNumber(BEST_VALID) < round.findNumber(BASE_VALID);
            assertThat(round.printed().contains(BELOW_BASE)).as("warned that the best checkpoint is below the base").isEqualTo(below);
        }
    }

    /**
     * The sentence-transformers directory of a trained fp32 directory (what a GPU run brings back), exported on its own, must
     * give the same model directory: the same scores, and the base's tokenizer.json, not one that
     * truncates at the training length.
     */
    private static void exportsTheSentenceTransformerAgain(Path fp32, Path out, PythonTool training)
            throws IOException, InterruptedException {
        PythonTool.run(System.getProperty("finetune.python"), "deploy/finetune-model.py", Duration.ofMinutes(5),
                List.of("--base", fp32.resolve("sentence-transformer").toString(), "--export-only", "--max-seq-len", "512", "--out", out.toString()));
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(out.resolve("tokenizer.json").toFile()))
                .as("tokenizer.json of the re-export").isEqualTo(json.readTree(fp32.resolve("tokenizer.json").toFile()));
        assertThat(jobSpearman(out)).as("re-exported fp32 in the job").isCloseTo(training.findNumber(TRAINED), within(0.01));
    }

    /**
     * WiSE-FT between the base and round 1: the end points must be the two models the tool already scored, the best
     * of the three on ATEC valid is the one exported.
     */
    private static void interpolatesBetweenTheBaseAndTheFineTune(Path base, Path fp32, Path out, PythonTool training)
            throws IOException, InterruptedException {
        PythonTool run = PythonTool.run(System.getProperty("finetune.python"), "deploy/finetune-model.py", Duration.ofMinutes(5),
                List.of("--base", fp32.resolve("sentence-transformer").toString(), "--export-only", "--max-seq-len", "512",
                        "--interpolate-from", base.toString(), "--interpolate", String.join(",", ALPHAS),
                        "--valid-pairs", DATA.resolve("atec/ATEC.valid.data") + ":100",
                        "--check-pairs", ATEC_TEST.toString(), "--check-limit", String.valueOf(PAIRS), "--out", out.toString()));
        List<Double> valid = new ArrayList<>();
        for (String a : ALPHAS) {
            valid.add(run.findNumber(Pattern.compile("interpolated a=" + Pattern.quote(a) + ": .*atec-valid_spearman_cosine ([0-9.]+)")));
        }
        assertThat(valid.get(0)).as("a=0 is the base").isCloseTo(training.findNumber(BASE_VALID), within(1.5e-4));
        assertThat(valid.get(2)).as("a=1 is the trained model").isCloseTo(training.findNumber(BEST_VALID), within(1.5e-4));
        String kept = run.find(Pattern.compile("interpolation: a=(\\S+) kept"));
        assertThat(ALPHAS).as("the kept a is one of those given").contains(kept);
        assertThat(valid.get(ALPHAS.indexOf(kept))).as("the best a is kept").isEqualTo(valid.stream().max(Double::compare).orElseThrow());
        assertThat(jobSpearman(out)).as("interpolated fp32 in the job vs PyTorch")
                .isCloseTo(run.findNumber(INTERPOLATED), within(0.01));
    }

    /** What the tool prints for --check-pairs about the {@code what} model: its PyTorch Spearman. */
    private static Pattern pyTorchCheck(String what) {
        return Pattern.compile(what + " model \\(PyTorch\\): cosine Spearman x100 on \\d+ pairs of .*: (\\S+)");
    }

    private static PythonTool fineTune(Path base, Path out, String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "--base", base.toString(), "--out", out.resolve("fp32").toString(),
                "--out-int8", out.resolve("int8").toString(), "--name", "finetune-check",
                "--pairs", DATA.resolve("train/ATEC.train.data") + ":64",
                "--pairs", DATA.resolve("train/STS-B.train.noeval.data") + ":32",
                "--positives", DATA.resolve("train/ATEC.train.data") + ":64",
                "--faq", DATA.resolve("faq/unionpay_faq.jsonl") + ":64",
                "--valid-pairs", DATA.resolve("atec/ATEC.valid.data") + ":100", "--valid-faq-queries", "50",
                "--max-steps", "6", "--eval-steps", "3", "--batch-size", "16", "--log-steps", "2",
                "--check-pairs", ATEC_TEST.toString(), "--check-limit", String.valueOf(PAIRS)));
        args.addAll(List.of(extra));
        PythonTool run = PythonTool.run(System.getProperty("finetune.python"), "deploy/finetune-model.py",
                Duration.ofMinutes(15), args);
        // Progress bars redraw with carriage returns; the report lines are what a reader wants.
        run.printed().lines().map(l -> l.substring(l.lastIndexOf('\r') + 1))
                .filter(l -> l.matches("^(rebuilt|max abs|base model|trained|fp32|int8|done|  (pairs|positives|faq) |    mined|warning).*"))
                .forEach(System.out::println);
        return run;
    }

    /** Cosine Spearman x100 of a model directory on the first ATEC test pairs, through the job's inference code. */
    private static double jobSpearman(Path modelDir) throws IOException {
        return JobScore.of(modelDir, ATEC_TEST, PAIRS).cosineSpearman();
    }
}
