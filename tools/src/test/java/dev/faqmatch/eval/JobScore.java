package dev.faqmatch.eval;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A model directory scored on a pair file by the job's own inference code, as deploy/eval.sh does. */
final class JobScore {
    private JobScore() {}

    /** Cosine Spearman x100 and pair count of {@code modelDir} on the first {@code limit} pairs of {@code pairs}. */
    static Evaluate.FileResult of(Path modelDir, Path pairs, int limit) throws IOException {
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        Evaluate.FileResult result = Evaluate.run(EvalOptions.parse(new String[] {"--model-dir", modelDir.toString(),
                "--limit", String.valueOf(limit), pairs.toString()}), new PrintStream(table, true, StandardCharsets.UTF_8)).get(0);
        System.out.printf("job's inference, %s on %d pairs of %s: %.4f%n", modelDir.getFileName(), result.pairs(),
                pairs.getFileName(), result.cosineSpearman());
        return result;
    }
}
