package dev.faqmatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.inference.ModelSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Int8ModelTest {
    @Test
    void writesADirectoryTheJobLoadsAsTheFp32SpecUnderItsOwnName(@TempDir Path dir) throws Exception {
        ModelSource written = ModelSource.directory(Int8Model.write(dir.resolve("int8")));
        ModelSpec fp32 = ModelSpec.bgeSmallZhV15();
        assertThat(written.spec()).isEqualTo(new ModelSpec(Int8Model.NAME, fp32.pooling(), fp32.normalize(),
                fp32.maxSeqLen(), fp32.output(), fp32.dim(), fp32.lowercase()));
    }
}
