package dev.faqmatch.tools;

import dev.faqmatch.inference.ModelException;
import dev.faqmatch.inference.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code deploy/model-dir.sh NAME OUT}: writes a bundled model as a model directory, the form
 * deploy/finetune-model.py takes as its base (and that {@code model.dir} loads).
 */
public final class ModelDirWriter {
    private static final String USAGE = "usage: deploy/model-dir.sh NAME OUT\n"
            + "  NAME  a bundled model: " + String.join(", ", ModelSource.BUNDLED) + "\n"
            + "  OUT   the directory to write (model.onnx, tokenizer.json, model.json); it must not hold a model";

    private ModelDirWriter() {}

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(USAGE);
            return;
        }
        if (args.length != 2) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Path out = Path.of(args[1]);
        if (Files.exists(out.resolve(ModelSource.MODEL_FILE))) {
            System.err.println(out + " already holds a " + ModelSource.MODEL_FILE + ": choose an empty directory");
            System.exit(2);
        }
        try {
            ModelSource model = ModelSource.bundled(args[0]);
            model.writeDirectory(out);
            System.out.println("Wrote " + model.spec().name() + " to " + out.toAbsolutePath().normalize() + " ("
                    + model.spec().pooling().id() + " pooling, dim " + model.spec().dim() + ").");
        } catch (ModelException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }
}
