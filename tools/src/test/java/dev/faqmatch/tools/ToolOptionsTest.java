package dev.faqmatch.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.faqmatch.cli.Cli;
import dev.faqmatch.cli.CommandLineConventions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command lines of deploy/faq-publish.sh, deploy/kafka.sh's broker, deploy/model-dir.sh and deploy/local.sh. */
class ToolOptionsTest {
    @Test
    void helpExitsZeroAndABadOptionIsAUsageError() {
        CommandLineConventions.assertHelpAndUsageError(FaqPublish.Options::new, "bank.jsonl", "--tenant", "cards");
        CommandLineConventions.assertHelpAndUsageError(KafkaServer.Options::new);
        CommandLineConventions.assertHelpAndUsageError(ModelDirWriter.Options::new, "bge-small-zh-v1.5", "out");
    }

    @Test
    void faqPublishNeedsAFileAndAValidTenant() {
        FaqPublish.Options o = Cli.parse(new FaqPublish.Options(), "/b/bank.jsonl", "--tenant", "cards");
        assertThat(o.file).isEqualTo("/b/bank.jsonl");
        assertThat(o.topic).isEqualTo("faqs");
        assertThat(o.bootstrap).isEqualTo("localhost:19092");
        assertThat(o.keepMissing).isFalse();
        assertThatThrownBy(() -> Cli.parse(new FaqPublish.Options(), "bank.jsonl", "--tenant", "a b"))
                .hasMessage("invalid tenant 'a b': letters, digits, '_' and '-'");
        assertThatThrownBy(() -> Cli.parse(new FaqPublish.Options(), "bank.jsonl"))
                .hasMessageContaining("--tenant");
    }

    @Test
    void modelDirWriterRefusesADirectoryThatHoldsAModel(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.onnx"), "");
        assertThatThrownBy(() -> Cli.parse(new ModelDirWriter.Options(), "bge-small-zh-v1.5", dir.toString()))
                .hasMessageContaining("already holds a model.onnx");
    }

    @Test
    void localDemoPassesEveryOtherPairOnAsJobSettings() {
        LocalDemo.Options o = Cli.parse(new LocalDemo.Options(), "--batch.max-size", "16", "--stay",
                "--match.min-score", "-0.5");
        assertThat(o.stay).isTrue();
        assertThat(o.settings()).containsExactly(entry("batch.max-size", "16"), entry("match.min-score", "-0.5"));

        CommandLineConventions.Outcome help = CommandLineConventions.run(new LocalDemo.Options(), "--help");
        assertThat(help.status()).hasValue(0);
        assertThat(help.out()).contains("--questions=FILE", "--stay", "--port=N", "Any other --KEY VALUE is a job setting");
        assertThatThrownBy(() -> Cli.parse(new LocalDemo.Options(), "--batch.max-siz", "16"))
                .hasMessageContaining("Unknown setting 'batch.max-siz'");
        assertThatThrownBy(() -> Cli.parse(new LocalDemo.Options(), "--batch.max-size"))
                .hasMessage("--batch.max-size needs a value");
        assertThatThrownBy(() -> Cli.parse(new LocalDemo.Options(), "questions.txt"))
                .hasMessageContaining("unexpected argument 'questions.txt'");
    }
}
