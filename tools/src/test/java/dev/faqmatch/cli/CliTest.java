package dev.faqmatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

class CliTest {
    @Command(name = "tool.sh", description = "A tool.")
    static final class ToolOptions implements Cli.Checked {
        @Option(names = "--count", paramLabel = "N", required = true, description = "How many.")
        int count;

        @Option(names = "--out", paramLabel = "DIR", description = "Where to write.")
        Path out = Path.of("target/tool");

        @Mixin
        ModelOptions model;

        @Override
        public void check() {
            Cli.requirePositive("--count", count);
        }
    }

    @Test
    void followsTheConventions() {
        CommandLineConventions.assertHelpAndUsageError(ToolOptions::new, "--count", "1");
    }

    @Test
    void helpNeedsNoRequiredOptionAndSkipsTheChecks() {
        CommandLineConventions.Outcome help = CommandLineConventions.run(new ToolOptions(), "-h");
        assertThat(help.status()).hasValue(0);
        assertThat(help.out()).contains("--count=N", "How many.", "--model-dir=DIR", "--model=NAME",
                "A bundled model: faqmatch-finance-zh-v1,");
    }

    @Test
    void aFailedCheckIsAUsageErrorWithItsMessageFirst() {
        CommandLineConventions.Outcome bad = CommandLineConventions.run(new ToolOptions(), "--count", "0");
        assertThat(bad.status()).hasValue(Cli.USAGE_ERROR);
        assertThat(bad.err().lines().findFirst()).hasValue("--count needs a positive integer, got '0'");
        assertThatThrownBy(() -> Cli.parse(new ToolOptions(), "--count", "0"))
                .isInstanceOf(ParameterException.class).hasMessage("--count needs a positive integer, got '0'");
        assertThat(CommandLineConventions.run(new ToolOptions(), "--count", "x").err())
                .startsWith("Invalid value for option '--count': 'x' is not an int");
    }

    @Test
    void aToolThatShouldRunGetsItsOptions() {
        ToolOptions o = new ToolOptions();
        assertThat(CommandLineConventions.run(o, "--count", "3", "--model", "bge-small-zh-v1.5").status()).isEmpty();
        assertThat(o.count).isEqualTo(3);
        assertThat(o.out).isEqualTo(Path.of("target/tool"));
        assertThat(o.model.name()).isEqualTo("bge-small-zh-v1.5");
        assertThat(o.model.dir()).isNull();
    }

    @Test
    void userPathsAreRelativeToTheCallersDirectoryAndLocationsKeepTheClasspath() {
        assertThat(UserPaths.resolve("/home/me/work", "q.jsonl")).isEqualTo(Path.of("/home/me/work/q.jsonl"));
        assertThat(UserPaths.resolve("/home/me/work", "/data/q.jsonl")).isEqualTo(Path.of("/data/q.jsonl"));
        assertThat(UserPaths.resolve("", "q.jsonl")).isEqualTo(Path.of("q.jsonl"));
        assertThat(new UserPaths.LocationConverter().convert("classpath:samples/faq-bank.jsonl"))
                .isEqualTo("classpath:samples/faq-bank.jsonl");
    }
}
