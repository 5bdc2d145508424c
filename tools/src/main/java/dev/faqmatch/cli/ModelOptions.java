package dev.faqmatch.cli;

import dev.faqmatch.inference.ModelSource;
import java.nio.file.Path;
import java.util.Iterator;
import picocli.CommandLine.Option;

/**
 * The model a tool embeds with, as the job's {@code model.dir} and {@code model.name} choose it: a
 * picocli mixin ({@code @Mixin ModelOptions model}) for every tool that loads a model.
 */
public final class ModelOptions {
    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "A model directory (model.onnx, tokenizer.json, model.json); wins over --model.")
    private Path dir;

    @Option(names = "--model", paramLabel = "NAME", completionCandidates = BundledNames.class,
            description = "A bundled model: ${COMPLETION-CANDIDATES} (default: the first, the job's default).")
    private String name;

    /** The model directory given, or null. */
    public Path dir() {
        return dir;
    }

    /** The bundled model's name given, or null. */
    public String name() {
        return name;
    }

    /** The model these options choose; throws ModelException naming what is missing. */
    public ModelSource source() {
        return ModelSource.resolve(dir == null ? null : dir.toString(), name);
    }

    /** The bundled models' names, for the usage text (picocli lists them for ${COMPLETION-CANDIDATES}). */
    public static final class BundledNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ModelSource.BUNDLED.iterator();
        }
    }
}
