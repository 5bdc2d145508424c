package dev.faqmatch.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSpecTest {

    private static ModelSpec read(String json) {
        return ModelSpec.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test/model.json");
    }

    @Test
    void readsAllFields() {
        ModelSpec spec = read("""
                {"name": "mini", "pooling": "mean", "normalize": false, "max_seq_len": 128,
                 "output": "token_embeddings", "dim": 384, "lowercase": true}
                """);
        assertThat(spec).isEqualTo(new ModelSpec("mini", Pooling.MEAN, false, 128, "token_embeddings", 384, true));
    }

    @Test
    void appliesDefaultsForOptionalFields() {
        ModelSpec spec = read("{\"name\": \"bge\", \"pooling\": \"CLS\", \"dim\": 512}");
        assertThat(spec.name()).isEqualTo("bge");
        assertThat(spec.pooling()).isEqualTo(Pooling.CLS);
        assertThat(spec.normalize()).isTrue();
        assertThat(spec.maxSeqLen()).isEqualTo(512);
        assertThat(spec.output()).isEqualTo("last_hidden_state");
        assertThat(spec.lowercase()).isFalse();
    }

    @Test
    void bundledDefaultSpec() {
        ModelSpec spec = ModelSpec.bgeSmallZhV15();
        assertThat(spec.pooling()).isEqualTo(Pooling.CLS);
        assertThat(spec.dim()).isEqualTo(512);
        assertThat(spec.normalize()).isTrue();
    }

    @Test
    void missingNameIsNamed() {
        assertThatThrownBy(() -> read("{\"pooling\": \"mean\", \"dim\": 8}"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("test/model.json")
                .hasMessageContaining("'name'");
    }

    @Test
    void blankNameRejected() {
        assertThatThrownBy(() -> read("{\"name\": \"  \", \"pooling\": \"mean\", \"dim\": 8}"))
                .isInstanceOf(ModelException.class).hasMessageContaining("'name'");
    }

    @Test
    void nameNotAStringRejected() {
        assertThatThrownBy(() -> read("{\"name\": 5, \"pooling\": \"mean\", \"dim\": 8}"))
                .isInstanceOf(ModelException.class).hasMessageContaining("'name'").hasMessageContaining("string");
    }

    @Test
    void badPoolingIsNamed() {
        assertThatThrownBy(() -> read("{\"name\": \"m\", \"pooling\": \"max\", \"dim\": 8}"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("pooling")
                .hasMessageContaining("'max'");
    }

    @Test
    void missingPoolingIsNamed() {
        assertThatThrownBy(() -> read("{\"name\": \"m\", \"dim\": 8}"))
                .isInstanceOf(ModelException.class).hasMessageContaining("'pooling'");
    }

    @Test
    void dimZeroIsNamed() {
        assertThatThrownBy(() -> read("{\"name\": \"m\", \"pooling\": \"mean\", \"dim\": 0}"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("'dim'")
                .hasMessageContaining("0");
    }

    @Test
    void missingDimIsNamed() {
        assertThatThrownBy(() -> read("{\"name\": \"m\", \"pooling\": \"mean\"}"))
                .isInstanceOf(ModelException.class).hasMessageContaining("'dim'");
    }

    @Test
    void maxSeqLenOutOfRangeIsNamed() {
        assertThatThrownBy(() -> read("{\"name\": \"m\", \"pooling\": \"mean\", \"dim\": 8, \"max_seq_len\": 2}"))
                .isInstanceOf(ModelException.class).hasMessageContaining("'max_seq_len'");
        assertThatThrownBy(() -> read("{\"name\": \"m\", \"pooling\": \"mean\", \"dim\": 8, \"max_seq_len\": 9000}"))
                .isInstanceOf(ModelException.class).hasMessageContaining("'max_seq_len'").hasMessageContaining("8192");
    }

    @Test
    void nonNumericMaxSeqLenIsRejected() {
        assertThatThrownBy(() -> read("{\"name\": \"m\", \"pooling\": \"mean\", \"dim\": 8, \"max_seq_len\": \"long\"}"))
                .isInstanceOf(ModelException.class).hasMessageContaining("max_seq_len");
    }

    @Test
    void outputNotAStringIsNamed() {
        assertThatThrownBy(() -> read("{\"name\": \"m\", \"pooling\": \"mean\", \"dim\": 8, \"output\": 3}"))
                .isInstanceOf(ModelException.class).hasMessageContaining("'output'");
    }

    @Test
    void notJsonRejected() {
        assertThatThrownBy(() -> read("name: m"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("test/model.json")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void duplicateFieldRejected() {
        // which of two poolings was meant is for the model's owner to say, not for the parser to guess
        assertThatThrownBy(() -> read("{\"name\": \"m\", \"pooling\": \"mean\", \"dim\": 8, \"pooling\": \"cls\"}"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("not valid JSON: Duplicate field 'pooling'");
    }

    @Test
    void jsonArrayRejected() {
        assertThatThrownBy(() -> read("[1, 2]"))
                .isInstanceOf(ModelException.class).hasMessageContaining("JSON object");
    }

    @Test
    void constructorValidates() {
        assertThatThrownBy(() -> new ModelSpec("m", null, true, 512, "out", 8, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'pooling'");
        assertThatThrownBy(() -> new ModelSpec("m", Pooling.CLS, true, 512, " ", 8, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'output'");
    }

    @Test
    void directoryMissing(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-model");
        assertThatThrownBy(() -> ModelSource.directory(missing))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("model.dir");
    }

    @Test
    void directoryWithoutOnnxNamesTheFile(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("tokenizer.json"), "{}");
        Files.writeString(tmp.resolve("model.json"), "{\"name\":\"m\",\"pooling\":\"mean\",\"dim\":4}");
        assertThatThrownBy(() -> ModelSource.directory(tmp))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("no readable model.onnx");
    }

    @Test
    void directoryWithoutTokenizerNamesTheFile(@TempDir Path tmp) throws Exception {
        Files.write(tmp.resolve("model.onnx"), new byte[] {1, 2, 3});
        Files.writeString(tmp.resolve("model.json"), "{\"name\":\"m\",\"pooling\":\"mean\",\"dim\":4}");
        assertThatThrownBy(() -> ModelSource.directory(tmp))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("no readable tokenizer.json");
    }

    @Test
    void directoryWithoutSpecNamesTheFile(@TempDir Path tmp) throws Exception {
        Files.write(tmp.resolve("model.onnx"), new byte[] {1, 2, 3});
        Files.writeString(tmp.resolve("tokenizer.json"), "{}");
        assertThatThrownBy(() -> ModelSource.directory(tmp))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("no readable model.json");
    }

    @Test
    void directoryWithBadSpecNamesSpecFileAndField(@TempDir Path tmp) throws Exception {
        Files.write(tmp.resolve("model.onnx"), new byte[] {1, 2, 3});
        Files.writeString(tmp.resolve("tokenizer.json"), "{}");
        Files.writeString(tmp.resolve("model.json"), "{\"name\":\"m\",\"pooling\":\"mean\",\"dim\":0}");
        assertThatThrownBy(() -> ModelSource.directory(tmp))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("model.json")
                .hasMessageContaining("'dim'");
    }

    @Test
    void completeDirectoryLoads(@TempDir Path tmp) throws Exception {
        Files.write(tmp.resolve("model.onnx"), new byte[] {1, 2, 3});
        Files.writeString(tmp.resolve("tokenizer.json"), "{\"tok\":1}");
        Files.writeString(tmp.resolve("model.json"), "{\"name\":\"tiny\",\"pooling\":\"mean\",\"dim\":4}");
        ModelSource source = ModelSource.directory(tmp);
        assertThat(source.spec().name()).isEqualTo("tiny");
        assertThat(source.id()).isEqualTo(tmp.toAbsolutePath().normalize().toString());
        assertThat(source.readOnnx()).containsExactly(1, 2, 3);
        try (var in = source.openTokenizer()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"tok\":1}");
        }
    }

    @Test
    void toJsonReadsBackAsTheSameSpec() {
        ModelSpec spec = new ModelSpec("mini", Pooling.MEAN, false, 128, "token_embeddings", 384, true);
        assertThat(read(spec.toJson())).isEqualTo(spec);
        assertThat(read(ModelSpec.bgeSmallZhV15().toJson())).isEqualTo(ModelSpec.bgeSmallZhV15());
    }

    @Test
    void aWrittenModelJsonReadsBackAsTheSameSpec(@TempDir Path tmp) {
        for (ModelSpec spec : new ModelSpec[] {ModelSpec.bgeSmallZhV15(),
                new ModelSpec("mini", Pooling.MEAN, false, 128, "token_embeddings", 384, true)}) {
            Path file = tmp.resolve(spec.name() + "-" + ModelSource.SPEC_FILE);
            spec.write(file);
            assertThat(ModelSpec.read(file)).isEqualTo(spec);
        }
    }

    @Test
    void anUnreadableModelJsonIsAModelError(@TempDir Path tmp) {
        assertThatThrownBy(() -> ModelSpec.read(tmp.resolve("missing.json")))
                .isInstanceOf(ModelException.class).hasMessageContaining("missing.json");
    }

    @Test
    void aBundledModelWrittenAsADirectoryIsTheSameModel(@TempDir Path tmp) throws Exception {
        ModelSource bundled = ModelSource.bundled(ModelSource.BGE_SMALL_ZH);
        bundled.writeDirectory(tmp.resolve("bge"));

        ModelSource written = ModelSource.directory(tmp.resolve("bge"));
        assertThat(written.spec()).isEqualTo(bundled.spec());
        assertThat(written.readOnnx()).isEqualTo(bundled.readOnnx());
        try (var a = written.openTokenizer(); var b = bundled.openTokenizer()) {
            assertThat(a.readAllBytes()).isEqualTo(b.readAllBytes());
        }
    }
}
