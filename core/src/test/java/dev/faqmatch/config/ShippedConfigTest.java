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
        assertThat(fromFile.get(MatcherConfig.BATCH_MAX_SIZE)).isEqualTo(defaults.get(MatcherConfig.BATCH_MAX_SIZE));
        assertThat(fromFile.get(MatcherConfig.BATCH_MAX_DELAY)).isEqualTo(defaults.get(MatcherConfig.BATCH_MAX_DELAY));
        assertThat(fromFile.get(MatcherConfig.MIN_SCORE)).isEqualTo(defaults.get(MatcherConfig.MIN_SCORE));
        assertThat(fromFile.get(MatcherConfig.MODEL_DIR)).isEqualTo(defaults.get(MatcherConfig.MODEL_DIR));
    }

    @Test
    void theReadmeDocumentsEverySettingAsTheCodeDescribesIt() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).as("README.md configuration reference (regenerate with ConfigReference)")
                .contains(ConfigReference.markdown());
    }
}
