package dev.faqmatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/export-model.py end to end: it exports a randomly initialised BERT of the finance target's
 * shape (4 layers, hidden 768, vocabulary 21,128, mean pooling), checks ONNX Runtime against
 * PyTorch itself, and scores the first pairs of LCQMC in PyTorch; the job's inference code must
 * then load the directory and score the same pairs the same way. Untrained weights make the score
 * meaningless as accuracy, but any tokenizer, pooling or graph difference between the two sides
 * moves it. Also in fp16 (computed in half precision, float32 in and out), which the job's ONNX
 * Runtime loads on the CPU only below its last optimization level.
 *
 * <p>Needs a Python with deploy/python[export] installed, which CI does not have: run it
 * with {@code deploy/export-check.sh} (or {@code -Dexport.python=PATH}).
 */
@EnabledIfSystemProperty(named = "export.python", matches = ".+",
        disabledReason = "needs torch and transformers: run deploy/export-check.sh, or pass -Dexport.python=PATH")
class ExportedModelIT {
    private static final Path LCQMC = Path.of("../shared/data/lcqmc/LCQMC.test.data");
    private static final int PAIRS = 500;
    private static final Pattern DIFFERENCE = Pattern.compile("ONNX Runtime vs PyTorch \\(fp32\\): (\\S+) ");
    private static final Pattern SPEARMAN = Pattern.compile("PyTorch cosine Spearman x100 on the first \\d+ pairs of .*: (\\S+)");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "fp16 {0}")
    @ValueSource(booleans = {false, true})
    void theJobScoresAnExportedRandomBertAsPyTorchDoes(boolean fp16) throws Exception {
        Assumptions.assumeTrue(Files.exists(LCQMC), "../shared/data is absent: the LCQMC test set lives beside the project");

        PythonTool export = exportRandomBert(dir.resolve("model"), fp16);
        System.out.print(export.printed());
        double difference = export.findNumber(DIFFERENCE);
        double torchSpearman = export.findNumber(SPEARMAN);

        JsonNode spec = new ObjectMapper().readTree(dir.resolve("model/model.json").toFile());
        assertThat(spec.path("pooling").asText()).isEqualTo("mean");
        assertThat(spec.path("dim").asInt()).isEqualTo(768);
        assertThat(spec.path("name").asText()).isEqualTo(fp16 ? "random-bert-4x768-fp16" : "random-bert-4x768");
        assertThat(difference).as("ONNX Runtime vs PyTorch, pooled").isLessThanOrEqualTo(fp16 ? 1e-2 : 1e-4);

        Evaluate.FileResult job = JobScore.of(dir.resolve("model"), LCQMC, PAIRS);
        assertThat(job.pairs()).isEqualTo(PAIRS);
        // the PyTorch figure is always fp32's, so fp16's rounding gets a little room
        assertThat(job.cosineSpearman()).as("the job's inference vs PyTorch, same pairs")
                .isCloseTo(torchSpearman, within(fp16 ? 0.05 : 0.01));
    }

    private static PythonTool exportRandomBert(Path out, boolean fp16) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--random-init", "--out", out.toString(),
                "--score-pairs", LCQMC.toString(), "--score-limit", String.valueOf(PAIRS)));
        if (fp16) {
            args.add("--fp16");
        }
        return PythonTool.run(System.getProperty("export.python"), "deploy/export-model.py", Duration.ofMinutes(10), args);
    }
}
