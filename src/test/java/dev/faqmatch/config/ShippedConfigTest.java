package dev.faqmatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The configuration files and the README shipped with the project agree with the code. */
class ShippedConfigTest {

    @Test
    void theShippedYamlIsValidAndHoldsTheDefaults() {
        MatcherConfig fromFile = MatcherConfig.fromArgs(new String[] {"--config", "flink-conf/faq-matcher.yaml"});
        MatcherConfig defaults = MatcherConfig.defaults();
        for (Setting<?> s : MatcherConfig.SETTINGS) {
            assertThat(MatcherConfig.readYaml(Path.of("flink-conf/faq-matcher.yaml"))).as("flink-conf/faq-matcher.yaml")
                    .containsKey(s.key());
        }
        assertThat(fromFile.batchMaxSize).isEqualTo(defaults.batchMaxSize);
        assertThat(fromFile.batchMaxDelay).isEqualTo(defaults.batchMaxDelay);
        assertThat(fromFile.minScore).isEqualTo(defaults.minScore);
        assertThat(fromFile.modelDir).isEqualTo(defaults.modelDir);
    }

    @Test
    void theReadmeDocumentsEverySettingAsTheCodeDescribesIt() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).as("README.md configuration reference (regenerate with ConfigReference)")
                .contains(ConfigReference.markdown());
    }
}
