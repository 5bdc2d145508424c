package dev.faqmatch.tools;

import dev.faqmatch.cli.Cli;
import dev.faqmatch.cli.ModelOptions;
import dev.faqmatch.inference.ModelException;
import dev.faqmatch.inference.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code deploy/model-dir.sh NAME OUT}: writes a bundled model as a model directory, the form
 * deploy/finetune-model.py takes as its base (and that {@code model.dir} loads).
 */
public final class ModelDirWriter {
    private ModelDirWriter() {}

    @Command(name = "deploy/model-dir.sh",
            description = {"Writes a bundled model as a model directory (model.onnx, tokenizer.json, model.json):"
                    + " the base that deploy/finetune-model.py fine-tunes, or a copy to inspect.", ""})
    static final class Options implements Cli.Checked {
        @Parameters(index = "0", paramLabel = "NAME", completionCandidates = ModelOptions.BundledNames.class,
                description = "A bundled model: ${COMPLETION-CANDIDATES}.")
        String name;

        @Parameters(index = "1", paramLabel = "OUT", description = "The directory to write; it must not hold a model.")
        Path out;

        @Override
        public void check() {
            if (Files.exists(out.resolve(ModelSource.MODEL_FILE))) {
                throw new IllegalArgumentException(out + " already holds a " + ModelSource.MODEL_FILE
                        + ": choose an empty directory");
            }
        }
    }

    public static void main(String[] args) {
        Options o = Cli.parseOrExit(new Options(), args);
        try {
            ModelSource model = ModelSource.bundled(o.name);
            model.writeDirectory(o.out);
            System.out.println("Wrote " + model.spec().name() + " to " + o.out.toAbsolutePath().normalize() + " ("
                    + model.spec().pooling().id() + " pooling, dim " + model.spec().dim() + ").");
        } catch (ModelException e) {
            System.err.println(e.getMessage());
            System.exit(Cli.USAGE_ERROR);
        }
    }
}
